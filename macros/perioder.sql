{#- Periods and ages: the building blocks of helaarsmodtagere and punkttaellinger. -#}

{#- Days of [fra, til] that fall in [periode_fra, periode_til], both ends included; 0 when apart. -#}
{% macro overlap_dage(fra, til, periode_fra, periode_til) -%}
greatest(0, date_diff('day', greatest({{ fra }}, {{ periode_fra }}), least({{ til }}, {{ periode_til }})) + 1)
{%- endmacro %}

{#- Age in whole years on a day: the difference of the dates as YYYYMMDD numbers, in whole 10000s
    (integer arithmetic; someone born 29 February turns a year older on 1 March in other years). -#}
{% macro alder(foedselsdato, dato) -%}
((year({{ dato }}) * 10000 + month({{ dato }}) * 100 + day({{ dato }}))
 - (year({{ foedselsdato }}) * 10000 + month({{ foedselsdato }}) * 100 + day({{ foedselsdato }}))) // 10000
{%- endmacro %}

{#- The first status date from which a row counts in person and day counts. A row registered on or
    before its start date can be treated as known from the first status date: whenever it is not yet
    known at s, it starts after s and adds nothing to counts up to s. Only rows registered after they
    started (registered late) make counts depend on when they became known. -#}
{% macro kendt_fra_taelling(oprettet_dato, startdato) -%}
CASE WHEN {{ oprettet_dato }} > {{ startdato }} THEN {{ kendt_fra_status(oprettet_dato) }}
     ELSE last_day(make_date(year(DATE '{{ var("as_of") }}') - 1, 1, 1)) END
{%- endmacro %}

{#- Merge the spells (fra, til) of each partition into unbroken periods: one row per period with
    the partition's columns, min(fra) and max(til). (fra, til) must be unique in a partition, so
    that both windows order its rows the same way. -#}
{% macro sammenhaengende_perioder(spells, noegle) -%}
SELECT {{ noegle | join(', ') }}, min(fra) AS fra, max(til) AS til
FROM (
    SELECT *, sum(ny_periode) OVER (PARTITION BY {{ noegle | join(', ') }} ORDER BY fra, til ROWS UNBOUNDED PRECEDING) AS periode_nr
    FROM (
        SELECT *,
               CASE WHEN fra <= max(til) OVER (PARTITION BY {{ noegle | join(', ') }} ORDER BY fra, til
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                    THEN 0 ELSE 1 END AS ny_periode
        FROM {{ spells }}
    )
)
GROUP BY {{ noegle | join(', ') }}, periode_nr
{%- endmacro %}

{#- The version of a period (int_modtagerperioder) that was the known truth on a status date. -#}
{% macro kendt_version(periode, status_date) -%}
{{ periode }}.kendt_fra <= {{ status_date }} AND ({{ periode }}.kendt_til IS NULL OR {{ status_date }} < {{ periode }}.kendt_til)
{%- endmacro %}


{#- The first status date of this build on which a row registered on oprettet_dato is known (NULL:
    not by the given status date). Status dates are the month ends from January of the previous year
    and the given date, so it is the registration's month end, capped by the given date. -#}
{% macro kendt_fra_status(oprettet_dato) -%}
CASE WHEN {{ oprettet_dato }} > DATE '{{ var("as_of") }}' THEN NULL
     ELSE greatest(last_day(make_date(year(DATE '{{ var("as_of") }}') - 1, 1, 1)),
                   least(last_day(coalesce({{ oprettet_dato }}, DATE '0001-01-01')), DATE '{{ var("as_of") }}')) END
{%- endmacro %}
