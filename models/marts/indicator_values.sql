-- One row is: an indicator for a paying municipality, status date and breakdown, in the published
-- shape of interface.md: numerator, denominator (NULL for plain counts) and value (NULL where the
-- denominator is 0). The union of the ind_* models.
-- Not sorted: the contract prescribes no row order, and a sort of the wide breakdowns' 23.5 M rows
-- (with a number per breakdown and value joined back on their two texts) cost more than the union
-- and its write. A union all keeps its inputs' order (DuckDB's order preservation): the rows come
-- indicator by indicator, in the varedeklaration's order, each as its model wrote them.
with indikatorer as (
{#- Every indicator model declared in the YAML's varedeklaration, with its id: one source. #}
{%- for deklaration in varedeklaration() %}
    select
        kommunekode::varchar as kommunekode,
        status_date::date as status_date,
        '{{ deklaration.indikator }}' as indicator,
        opdeling::varchar as breakdown,
        opdeling_vaerdi::varchar as breakdown_value,
        taeller::double as numerator,
        naevner::double as denominator,
        vaerdi::double as value
    from {{ ref(deklaration.model) }}
    {{ "union all" if not loop.last }}
{%- endfor %}
),
final as (
    select * from indikatorer
)
select * from final
