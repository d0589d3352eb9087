{#- Daily exposure: services expanded into one row per person, group and day. -#}

{#- A deterministic sample of about `personer` persons (all of them in a small extract), chosen by
    a hash of the CPR number, so that the check costs the same at any scale: the persons whose hash
    stikproeve_deler's divisor divides. The divisor is cast to hash()'s UBIGINT: a BIGINT one makes
    the remainder a HUGEINT, computed a row at a time. Counted once where it is used (a CTE), and the
    sample taken from each table as it is read, before any join. -#}
{% macro stikproeve_deler(personer) -%}
select greatest(1, count(distinct cpr) // {{ personer }})::ubigint as deler from {{ ref('int_bevillinger') }}
{%- endmacro %}

{#- Whether a CPR number is in the sample; `deler`: a query of the divisor. The number is hashed, so
    that the text (a service's cpr) and the number (a period's cpr_nr) choose the same persons. -#}
{% macro i_stikproeve(cpr, deler) -%}
hash({{ cpr }}::bigint) % ({{ deler }}) = 0
{%- endmacro %}

{#- (kommunekode, gruppe, cpr, person_key, dag) for every day of the reporting window up to the build's
    status date on which a service of the group, known on that date, is active; optionally for a sample
    (`stikproeve`: a query of its divisor, see i_stikproeve), and optionally from the first day of the build's status date's year only (`givet_aar`). To be
    counted (`til_optaelling`): (kommunekode, gruppe, cpr, dag), the CPR digits as a number; the person
    key, which follows from them, left out (the distinct rows are found at a third less cost). -#}
{% macro daglig_eksponering(stikproeve=none, givet_aar=false, til_optaelling=false) -%}
select distinct b.kommunekode, g.gruppe, {{ 'b.cpr::bigint as cpr' if til_optaelling else 'b.cpr, b.person_key' }}, unnest(generate_series(
           greatest(b.startdato, v.fra)::timestamp,
           least(coalesce(b.slutdato, v.til), v.til)::timestamp,
           interval 1 day))::date as dag
from (
    select kommunekode, cpr, person_key, paragraf, botilbudslignende, startdato, slutdato, oprettet_dato
    from {{ ref('int_bevillinger') }}
    {%- if stikproeve is not none %}
    where {{ i_stikproeve('cpr', stikproeve) }}
    {%- endif %}
    union all
    select kommunekode, cpr, person_key, 'anbringelse', false, startdato, slutdato, oprettet_dato
    from {{ ref('stg_anbringelser') }}
    {%- if stikproeve is not none %}
    where {{ i_stikproeve('cpr', stikproeve) }}
    {%- endif %}
) b
join (
    select gruppe, paragraf, kun_botilbudslignende::boolean as kun_botilbudslignende from {{ ref('ydelsesgrupper') }}
    union all select distinct 'alle', paragraf, false from {{ ref('paragraffer') }} where udtraek = 'ydelser'
    union all select 'anbringelse', 'anbringelse', false
) g on g.paragraf = b.paragraf and (not g.kun_botilbudslignende or b.botilbudslignende)
cross join (select {{ 'min(periode_start) filter (where er_givet)' if givet_aar else 'min(periode_start)' }} as fra,
                   max(status_date) filter (where er_givet) as til from {{ ref('int_statusdatoer') }}) v
where (b.oprettet_dato is null or b.oprettet_dato <= v.til)
  and b.startdato <= v.til and coalesce(b.slutdato, v.til) >= v.fra
{%- endmacro %}
