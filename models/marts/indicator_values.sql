-- One row is: an indicator for a paying municipality, status date and breakdown, in the published
-- shape of interface.md: numerator, denominator (NULL for plain counts) and value (NULL where the
-- denominator is 0). The union of the ind_* models.
{#- Every indicator model declared in the YAML's varedeklaration, with its id: one source. #}
{% for deklaration in varedeklaration() %}
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
{{ "UNION ALL" if not loop.last }}
{%- endfor %}
order by kommunekode, status_date, indicator, breakdown, breakdown_value
