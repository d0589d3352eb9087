{#- Periods and ages: the building blocks of helaarsmodtagere and punkttaellinger. -#}

{#- Days of [fra, til] that fall in [periode_fra, periode_til], both ends included; 0 when apart. -#}
{% macro overlap_dage(fra, til, periode_fra, periode_til) -%}
greatest(0, date_diff('day', greatest({{ fra }}, {{ periode_fra }}), least({{ til }}, {{ periode_til }})) + 1)
{%- endmacro %}

{#- Age in whole years on a day: the difference of the dates as YYYYMMDD numbers, in whole 10000s
    (integer arithmetic; someone born 29 February turns a year older on 1 March in other years). -#}
{% macro alder(foedselsdato, dato) -%}
{{ alder_af_tal(dato_tal(foedselsdato), dato_tal(dato)) }}
{%- endmacro %}

{#- A date as the number YYYYMMDD (of which alder takes differences). -#}
{% macro dato_tal(dato) -%}
(year({{ dato }}) * 10000 + month({{ dato }}) * 100 + day({{ dato }}))
{%- endmacro %}

{#- alder of two dates already made dato_tal: for a join that pairs every row of one side with many
    of the other, each date converted once rather than once per pair. -#}
{% macro alder_af_tal(foedsel_tal, dato_tal) -%}
({{ dato_tal }} - {{ foedsel_tal }}) // 10000
{%- endmacro %}

{#- The first status date from which a row counts in person and day counts. A row registered on or
    before its start date can be treated as known from the first status date: whenever it is not yet
    known at s, it starts after s and adds nothing to counts up to s. Only rows registered after they
    started (registered late) make counts depend on when they became known. -#}
{% macro kendt_fra_taelling(oprettet_dato, startdato) -%}
case when {{ oprettet_dato }} > {{ startdato }} then {{ kendt_fra_status(oprettet_dato) }}
     else last_day(make_date(year(date '{{ var("as_of") }}') - 1, 1, 1)) end
{%- endmacro %}

{#- A service of int_bevillinger belongs to a group of seed ydelsesgrupper by its paragraph (the seed
    may limit a paragraph to services that are botilbudslignende: §85 in botilbud). -#}
{% macro i_ydelsesgruppe(bevilling, ydelsesgruppe) -%}
{{ ydelsesgruppe }}.paragraf = {{ bevilling }}.paragraf
and (not {{ ydelsesgruppe }}.kun_botilbudslignende::boolean or {{ bevilling }}.botilbudslignende)
{%- endmacro %}

{#- Merge the spells (fra, til) of each partition `noegle` into unbroken periods: one row per period
    with the partition's columns, the columns `med` (the same on every row of a partition: any one of
    them is taken), min(fra) and max(til). A spell starts a period when it starts after every spell
    ordered before it has ended (+ 1 day); identical spells (peers in the order) decide together,
    so that duplicates need not be removed first. -#}
{% macro sammenhaengende_perioder(spells, noegle, med=[]) -%}
select {{ noegle | join(', ') }},{% for kolonne in med %} any_value({{ kolonne }}) as {{ kolonne }},{% endfor %} min(fra) as fra, max(til) as til
from (
    select *, sum(ny_periode) over (partition by {{ noegle | join(', ') }} order by fra, til range unbounded preceding) as periode_nr
    from (
        select *,
               case when fra <= max(til) over (partition by {{ noegle | join(', ') }} order by fra, til
                                               range between unbounded preceding and current row exclude group) + 1
                    then 0 else 1 end as ny_periode
        from {{ spells }}
    )
)
group by {{ noegle | join(', ') }}, periode_nr
{%- endmacro %}

{#- A CTE `navn` with each distinct value of `kolonne` in `relation` and its rank in text order (from 0;
    NULL last, as ORDER BY puts it), so that numbers order as the texts do (int_bevilling_grupper). -#}
{% macro rangorden(navn, relation, kolonne) -%}
{{ navn }} as (
    select vaerdi, row_number() over (order by vaerdi) - 1 as nr
    from (select distinct {{ kolonne }} as vaerdi from {{ relation }})
)
{%- endmacro %}

{#- A counting set's number from its key, over the distinct keys: int_taellesaet's saet_id, which is
    the rank in the order of the four texts, as int_bevilling_grupper's saet_noegle orders as they do. -#}
{% macro saet_nummer(saet_noegle) -%}
row_number() over (order by {{ saet_noegle }})
{%- endmacro %}

{#- A period's set and person as one BIGINT, saet_id * 10^10 + the CPR number, so that merging sorts
    and groups on one integer instead of a number and a text. Exact: a staged CPR number is 10 digits
    (any other is quarantined as cpr_invalid); its birth date follows from it. -#}
{% macro saet_person(saet_id, cpr) -%}
{{ saet_id }} * 10000000000 + {{ cpr }}::bigint
{%- endmacro %}

{% macro saet_af(saet_person) -%}
{{ saet_person }} // 10000000000
{%- endmacro %}

{#- The CPR number of a saet_person as the text, and as the number (cpr_nr: cpr_af's text is
    lpad(cpr_nr::varchar, 10, '0')). -#}
{% macro cpr_af(saet_person) -%}
lpad(({{ cpr_nr_af(saet_person) }})::varchar, 10, '0')
{%- endmacro %}

{% macro cpr_nr_af(saet_person) -%}
{{ saet_person }} % 10000000000
{%- endmacro %}

{#- int_modtagerperioder's periods with their counting set's texts from int_taellesaet (municipality,
    group, breakdown, value), for a model that filters or counts by them: a filter on the texts is
    applied to the sets, and the periods are joined to them by number. -#}
{% macro perioder_med_saet() -%}
select saet.kommunekode, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi, periode.*
from {{ ref('int_modtagerperioder') }} as periode
join {{ ref('int_taellesaet') }} as saet using (saet_id)
{%- endmacro %}

{#- The version of a period (int_modtagerperioder) that was the known truth on a status date. -#}
{% macro kendt_version(periode, status_date) -%}
{{ periode }}.kendt_fra <= {{ status_date }} and ({{ periode }}.kendt_til is null or {{ status_date }} < {{ periode }}.kendt_til)
{%- endmacro %}


{#- The first status date of this build on which a row registered on oprettet_dato is known (NULL:
    not by the given status date). Status dates are the month ends from January of the previous year
    and the given date, so it is the registration's month end, capped by the given date. -#}
{% macro kendt_fra_status(oprettet_dato) -%}
case when {{ oprettet_dato }} > date '{{ var("as_of") }}' then null
     else greatest(last_day(make_date(year(date '{{ var("as_of") }}') - 1, 1, 1)),
                   least(last_day(coalesce({{ oprettet_dato }}, date '0001-01-01')), date '{{ var("as_of") }}')) end
{%- endmacro %}

{#- The number of a day's month, counted from January of the year before the given date's (0) to
    December of its year (23): a status date's number, one a month, in the order of the dates, and
    nr // 12 its year (0 or 1). -#}
{% macro maaned_nr(dag) -%}
((year({{ dag }}) - year(date '{{ var("as_of") }}') + 1) * 12 + month({{ dag }}) - 1)
{%- endmacro %}

{#- J1, 1 January of the given date's year. -#}
{% macro nytaar() -%}
make_date(year(date '{{ var("as_of") }}'), 1, 1)
{%- endmacro %}
