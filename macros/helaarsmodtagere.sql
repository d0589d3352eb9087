{#- Helaarsmodtagere and point counts of counting sets: int_helaarsmodtagere's, and 08's caseloads. -#}

{#- Whether a set (its breakdown and value) is a caseworker's: 08's caseloads, counted by 08 itself,
    the largest part of the sets (wide breakdowns: 15 M of 16 M rows) and read by no other model.
    The value '' (services with no caseworker) is not a caseworker's: its persons are 08's warning. -#}
{% macro er_sagsbehandlersaet(opdeling, opdeling_vaerdi) -%}
{{ opdeling }} in ('sagsbehandler', 'paragraf:sagsbehandler') and {{ opdeling_vaerdi }} <> ''
{%- endmacro %}

{#- int_helaarsmodtagere's rows: per municipality, status date and counting set, HM = (person, day)
    pairs in J..s / D(s), PT on s and APT; of the caseworkers' sets (`sagsbehandlersaet`) or of all
    others.
    Periods are per person, so the periods covering a day are the persons on that day. Instead of
    joining every period to every status date, each period's part in a year becomes two changes of
    the number of persons (+1 on its first day, -1 the day after its last), summed per counting set
    and status date they count from; each status date then adds up the changes before it:
      persons on s                     = sum of changes up to s
      (person, day) pairs in J..s      = sum of change x (days from the change's day to s)
      persons on the status dates e of Y up to s (the month ends of APT and s itself)
                                       = sum of change x (status dates from the change's to s)
    Those sums are running sums over a set's status dates: a change counts from its status date (or
    its version's first, if later) and, when its version is replaced within the year, is taken off
    again on the replacement's first status date.
    A status date is carried as its month's number (maaned_nr: 0 for January of the year before the
    given date's, 23 for December of its year), and a set with it as one integer, noegle = saet_id x
    24 + maaned_nr: the changes are summed, and the running sums formed, on that one key. -#}
{% macro helaarsmodtagere(sagsbehandlersaet=false) -%}
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
modtagerperioder as not materialized (
    select * from {{ ref('int_modtagerperioder') }}
),
-- the sets counted: the caseworkers' (08's caseloads) or all others
taellesaet as (
    select * from {{ ref('int_taellesaet') }}
    where {{ '' if sagsbehandlersaet else 'not' }} ({{ er_sagsbehandlersaet('opdeling', 'opdeling_vaerdi') }})
),
-- Periods lie in the reporting window (int_modtagerperioder clips them; cut here too): J of the
-- year before the given date's (J0) up to the given date. Each becomes changes of the number of persons, one a
-- row: +1 on its first day; +1 on 1 January of the given date's year (J1) if it runs into it from
-- the year before; -1 the day after its last, if that is in the same year and not after the given
-- date. The +1 on J1 of a period known from the first status date and never replaced (nearly all)
-- is not a row of its own but a count (nytaar) on its first day's row, added to its set's J1
-- after the changes are summed: a third fewer rows to sum.
-- The periods and changes are read more than once (skift) but not materialized: scanning the
-- periods again costs less than storing millions of rows.
perioder as not materialized (
    select saet_id, greatest(fra, make_date(year(date '{{ var("as_of") }}') - 1, 1, 1)) as fra, til, kendt_til,
           {{ maaned_nr('kendt_fra') }} as kendt_fra_nr, {{ maaned_nr('kendt_til') }} as kendt_til_nr,
           {{ maaned_nr('kendt_fra') }} <= 0 and kendt_til is null as hele_vinduet
    from modtagerperioder
    semi join taellesaet using (saet_id)
    where til >= make_date(year(date '{{ var("as_of") }}') - 1, 1, 1) and fra <= date '{{ var("as_of") }}'
),
aendringer as not materialized (
    select saet_id, kendt_fra_nr, kendt_til_nr, kendt_til, fra as dag, 1 as aendring,
           (hele_vinduet and fra < {{ nytaar() }} and til >= {{ nytaar() }})::int as nytaar
    from perioder
    union all
    select saet_id, kendt_fra_nr, kendt_til_nr, kendt_til, {{ nytaar() }}, 1, 0
    from perioder
    where not hele_vinduet and fra < {{ nytaar() }} and til >= {{ nytaar() }}
    union all
    select saet_id, kendt_fra_nr, kendt_til_nr, kendt_til, til + 1, -1, 0
    from perioder
    where til < date '{{ var("as_of") }}' and year(til + 1) = year(til)
),
-- Each change with the month number of the first status date on or after its day: status dates are
-- the month ends and the given date (int_statusdatoer). Versions begin and end on status dates, so
-- theirs are numbered alike. The status dates of its year on which a change counts: from its own,
-- or its version's first if later, to (not including) the version's last, if that falls in the year.
gueltige as not materialized (
    select saet_id, kendt_til, kendt_til_nr, greatest(nr, kendt_fra_nr) as fra_nr,
           case when kendt_til_nr // 12 = nr // 12 then kendt_til_nr end as til_nr,
           aendring, aendring * (dayofyear(dag) - 1) as aendring_dage,
           aendring * (nr % 12 + 1) as aendring_maaneder, (aendring = 1)::int as begyndelser, nytaar
    from (select *, {{ maaned_nr('dag') }} as nr from aendringer)
    where greatest(nr, kendt_fra_nr) // 12 = nr // 12
      and (kendt_til_nr is null or greatest(nr, kendt_fra_nr) < kendt_til_nr)
),
-- (kendt_til is not null: a filter the scan of the periods can apply, so the few replaced versions
-- are all that is read a second time.)
skift as (
    select saet_id * 24 + fra_nr as noegle, aendring, aendring_dage, aendring_maaneder, begyndelser, nytaar
    from gueltige
    union all
    select saet_id * 24 + til_nr, -aendring, -aendring_dage, -aendring_maaneder, -begyndelser, 0
    from gueltige where kendt_til is not null and til_nr is not null
),
summer as (
    select noegle, sum(aendring) as aendring, sum(aendring_dage) as aendring_dage,
           sum(aendring_maaneder) as aendring_maaneder, sum(begyndelser) as begyndelser,
           sum(nytaar) as nytaar
    from skift
    group by noegle
),
-- The counted +1s on J1 (month number 12: one person, no days before it, January's point count).
med_nytaar as (
    select noegle, sum(aendring)::bigint as aendring, sum(aendring_dage)::bigint as aendring_dage,
           sum(aendring_maaneder)::bigint as aendring_maaneder, sum(begyndelser)::bigint as begyndelser
    from (select noegle, aendring, aendring_dage, aendring_maaneder, begyndelser from summer
          union all
          select noegle // 24 * 24 + 12, sum(nytaar), 0, sum(nytaar), sum(nytaar)
          from summer group by noegle // 24 having sum(nytaar) > 0)
    group by noegle
),
-- A set's running sums on each status date with a change, holding until its next one in the year
-- (noegle // 12: the set and the year).
loebende as (
    select noegle,
           lead(noegle) over (partition by noegle // 12 order by noegle) as naeste,
           (sum(aendring) over loeb)::bigint as aendring,
           (sum(aendring_dage) over loeb)::bigint as aendring_dage,
           (sum(aendring_maaneder) over loeb)::bigint as aendring_maaneder,
           (sum(begyndelser) over loeb)::bigint as begyndelser
    from med_nytaar
    window loeb as (partition by noegle // 12 order by noegle rows unbounded preceding)
),
-- The set's columns joined here, before each running sum fans out to its status dates (about 8 a
-- row in the wide breakdown), and a set has a row on s when a period of it overlaps J..s (one
-- began in J..s).
med_saet as materialized (
    select saet.kommunekode, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi, loebende.*
    from loebende
    join taellesaet as saet on saet.saet_id = loebende.noegle // 24
    where loebende.begyndelser > 0
),
status_nr as (
    select {{ maaned_nr('status_date') }} as nr, month(status_date) as maaned, * from statusdatoer
),
-- Each status date s adds the changes of its year up to s, of the version known at s (64-bit
-- arithmetic; the sums are published as the 128-bit integers they were).
taelling as (
    select loebende.kommunekode, loebende.gruppe, loebende.opdeling, loebende.opdeling_vaerdi,
           statusdato.status_date, statusdato.dage, statusdato.maaned,
           loebende.aendring * statusdato.dage - loebende.aendring_dage as persondage,
           loebende.aendring as punkttaelling,
           loebende.aendring * (statusdato.maaned + 1) - loebende.aendring_maaneder as maanedspunkter
    from med_saet as loebende
    join status_nr as statusdato
      on statusdato.nr // 12 = loebende.noegle % 24 // 12
     and statusdato.nr >= loebende.noegle % 24
     and (loebende.naeste is null or statusdato.nr < loebende.naeste % 24)
)
select kommunekode, status_date, gruppe, opdeling, opdeling_vaerdi,
       persondage::hugeint as persondage,
       persondage / dage as helaarsmodtagere,
       punkttaelling,
       maanedspunkter::hugeint as maanedspunkter,
       maanedspunkter / maaned as gennemsnit_punkttaellinger
from taelling
{%- endmacro %}
