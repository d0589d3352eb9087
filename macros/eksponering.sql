{#- Daily exposure: services expanded into one row per person, group and day. -#}

{#- A deterministic sample of about `personer` persons (all of them in a small extract), chosen by
    a hash of the CPR number, so that the check costs the same at any scale. -#}
{% macro i_stikproeve(cpr, personer) -%}
hash({{ cpr }}) % (SELECT greatest(1, count(DISTINCT cpr) // {{ personer }}) FROM {{ ref('int_bevillinger') }}) = 0
{%- endmacro %}

{#- (kommunekode, gruppe, cpr, person_key, dag) for every day of the reporting window up to the build's
    status date on which a service of the group, known on that date, is active; optionally for a sample. -#}
{% macro daglig_eksponering(stikproeve=none) -%}
SELECT DISTINCT b.kommunekode, g.gruppe, b.cpr, b.person_key, unnest(generate_series(
           greatest(b.startdato, v.fra)::TIMESTAMP,
           least(coalesce(b.slutdato, v.til), v.til)::TIMESTAMP,
           INTERVAL 1 DAY))::DATE AS dag
FROM (
    SELECT kommunekode, cpr, person_key, paragraf, botilbudslignende, startdato, slutdato, oprettet_dato
    FROM {{ ref('int_bevillinger') }}
    UNION ALL
    SELECT kommunekode, cpr, person_key, 'anbringelse', false, startdato, slutdato, oprettet_dato
    FROM {{ ref('stg_anbringelser') }}
) b
JOIN (
    SELECT gruppe, paragraf, kun_botilbudslignende::BOOLEAN AS kun_botilbudslignende FROM {{ ref('ydelsesgrupper') }}
    UNION ALL SELECT DISTINCT 'alle', paragraf, false FROM {{ ref('paragraffer') }} WHERE udtraek = 'ydelser'
    UNION ALL SELECT 'anbringelse', 'anbringelse', false
) g ON g.paragraf = b.paragraf AND (NOT g.kun_botilbudslignende OR b.botilbudslignende),
(SELECT min(periode_start) AS fra, max(status_date) FILTER (WHERE er_givet) AS til FROM {{ ref('int_statusdatoer') }}) v
WHERE (b.oprettet_dato IS NULL OR b.oprettet_dato <= v.til)
  AND b.startdato <= v.til AND coalesce(b.slutdato, v.til) >= v.fra
{%- if stikproeve is not none %}
  AND {{ i_stikproeve('b.cpr', stikproeve) }}
{%- endif %}
{%- endmacro %}
