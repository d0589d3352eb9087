-- One row is: an indicator for a paying municipality, status date and breakdown, in the published
-- shape of interface.md: numerator, denominator (NULL for plain counts) and value (NULL where the
-- denominator is 0). The union of the ind_* models.
{%- set indikatorer = [('01', 'ind_01_visiterede_timer'), ('02', 'ind_02_botilbud'), ('03', 'ind_03_dagtilbud'),
                       ('04', 'ind_04_hjaelperordning'), ('05', 'ind_05_omfattende_stoette'), ('06', 'ind_06_refusion'),
                       ('07', 'ind_07_botilbud_leverandoer'), ('08', 'ind_08_sager_pr_sagsbehandler'),
                       ('09', 'ind_09_aldersfordeling'), ('10', 'ind_10_udgifter_pr_sagsbehandler'),
                       ('11', 'ind_11_udgifter_budget'), ('12', 'ind_12_udgift_botilbud'), ('13', 'ind_13_udgift_dagtilbud'),
                       ('14', 'ind_14_udgift_hjaelperordning'), ('15', 'ind_15_udgift_merudgift'), ('A1', 'ind_a1_anbringelser')] %}
{% for indikator, model in indikatorer %}
SELECT
    kommunekode::VARCHAR AS kommunekode,
    status_date::DATE AS status_date,
    '{{ indikator }}' AS indicator,
    opdeling::VARCHAR AS breakdown,
    opdeling_vaerdi::VARCHAR AS breakdown_value,
    taeller::DOUBLE AS numerator,
    naevner::DOUBLE AS denominator,
    vaerdi::DOUBLE AS value
FROM {{ ref(model) }}
{{ "UNION ALL" if not loop.last }}
{%- endfor %}
ORDER BY kommunekode, status_date, indicator, breakdown, breakdown_value
