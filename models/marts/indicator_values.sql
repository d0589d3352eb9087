-- One row is: an indicator for a paying municipality, status date and breakdown, in the published
-- shape of interface.md: numerator, denominator (NULL for plain counts) and value (NULL where the
-- denominator is 0). The union of the ind_* models.
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
-- Each breakdown and value numbered in their sort order. The rows are sorted by this one number
-- after municipality, date and indicator: the same order as by the two texts, which share long
-- prefixes ('paragraf:sagsbehandler', '107:S123-0042') and cost a sort of millions of caseworker
-- rows several times as much as a number does.
opdelinger as (
    select breakdown, breakdown_value,
           row_number() over (order by breakdown, breakdown_value) as raekkefoelge
    from (select distinct breakdown, breakdown_value from indikatorer)
),
final as (
    select indikatorer.*, opdelinger.raekkefoelge
    from indikatorer
    join opdelinger
      on indikatorer.breakdown is not distinct from opdelinger.breakdown
     and indikatorer.breakdown_value is not distinct from opdelinger.breakdown_value
)
select kommunekode, status_date, indicator, breakdown, breakdown_value, numerator, denominator, value
from final
order by kommunekode, status_date, indicator, raekkefoelge
