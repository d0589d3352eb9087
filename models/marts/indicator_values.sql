-- One row is: an indicator for a paying municipality, status date and breakdown, in the published
-- shape of interface.md: numerator, denominator (NULL for plain counts) and value (NULL where the
-- denominator is 0). The union of the ind_* models.
{#- Every indicator model declared in the YAML's varedeklaration, with its id: one source. #}
{% for deklaration in varedeklaration() %}
SELECT
    kommunekode::VARCHAR AS kommunekode,
    status_date::DATE AS status_date,
    '{{ deklaration.indikator }}' AS indicator,
    opdeling::VARCHAR AS breakdown,
    opdeling_vaerdi::VARCHAR AS breakdown_value,
    taeller::DOUBLE AS numerator,
    naevner::DOUBLE AS denominator,
    vaerdi::DOUBLE AS value
FROM {{ ref(deklaration.model) }}
{{ "UNION ALL" if not loop.last }}
{%- endfor %}
ORDER BY kommunekode, status_date, indicator, breakdown, breakdown_value
