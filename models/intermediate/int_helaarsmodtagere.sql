-- One row is: a municipality, status date and counting set (int_bevilling_grupper) with its
-- helaarsmodtagere HM = (person, day) pairs in J..s / D(s), its punkttaelling PT on s, and the
-- mean of its monthly point counts APT (the last day of each earlier month of Y, and s).
-- Periods are per person, so the periods covering a day are the persons on that day. Instead of
-- joining every period to every status date, each period's part in a year becomes two changes of
-- the number of persons (+1 on its first day, -1 the day after its last), summed per counting set
-- and status date they count from; each status date then adds up the changes before it:
--   persons on s                     = sum of changes up to s
--   (person, day) pairs in J..s      = sum of change x (days from the change's day to s)
--   persons on the status dates e of Y up to s (the month ends of APT and s itself)
--                                    = sum of change x (status dates from the change's to s)
-- Those sums are running sums over a set's status dates: a change counts from its status date (or
-- its version's first, if later) and, when its version is replaced within the year, is taken off
-- again on the replacement's first status date.
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
modtagerperioder as not materialized (
    select * from {{ ref('int_modtagerperioder') }}
),
taellesaet as (
    select * from {{ ref('int_taellesaet') }}
),
aar as (
    select distinct periode_start, aar_slut from statusdatoer
),
-- A period's part in each year of the reporting window. This, the next three and the periods are
-- read more than once (skift) but not materialized: scanning the periods again costs less than
-- storing millions of rows.
dele as not materialized (
    select periode.saet_id, periode.kendt_fra, periode.kendt_til, aar.periode_start, aar.aar_slut,
           greatest(periode.fra, aar.periode_start) as fra,
           least(periode.til, aar.aar_slut) as til
    from modtagerperioder as periode
    join aar on periode.fra <= aar.aar_slut and periode.til >= aar.periode_start
),
aendringer as not materialized (
    select saet_id, kendt_fra, kendt_til, periode_start, fra as dag, 1 as aendring from dele
    union all
    select saet_id, kendt_fra, kendt_til, periode_start, til + 1, -1 from dele where til < aar_slut
),
-- Each change with the first status date on or after its day: status dates are the month ends and
-- the given date (int_statusdatoer); a change after the given date counts nowhere.
pr_statusdato as not materialized (
    select saet_id, kendt_fra, kendt_til, periode_start, dag, aendring,
           least(last_day(dag), date '{{ var("as_of") }}') as status_date
    from aendringer
    where dag <= date '{{ var("as_of") }}'
),
-- The status dates of its year on which a change counts: from its own, or its version's first if
-- later, to (not including) the version's last, if that falls in the year.
gueltige as not materialized (
    select saet_id, kendt_til, year(status_date) as aar, greatest(status_date, kendt_fra) as fra_status,
           case when year(kendt_til) = year(status_date) then kendt_til end as til_status,
           aendring, aendring * (dag - periode_start) as aendring_dage,
           aendring * month(status_date) as aendring_maaneder, (aendring = 1)::int as begyndelser
    from pr_statusdato
    where year(greatest(status_date, kendt_fra)) = year(status_date)
      and (kendt_til is null or greatest(status_date, kendt_fra) < kendt_til)
),
-- (kendt_til is not null: a filter the scan of the periods can apply, so the few replaced versions
-- are all that is read a second time.)
skift as (
    select saet_id, aar, fra_status as status_date, aendring, aendring_dage, aendring_maaneder, begyndelser
    from gueltige
    union all
    select saet_id, aar, til_status, -aendring, -aendring_dage, -aendring_maaneder, -begyndelser
    from gueltige where kendt_til is not null and til_status is not null
),
-- A set's running sums on each status date with a change, holding until its next one in the year.
loebende as (
    select saet_id, aar, status_date,
           lead(status_date) over (partition by saet_id, aar order by status_date) as naeste,
           sum(sum(aendring)) over loeb as aendring,
           sum(sum(aendring_dage)) over loeb as aendring_dage,
           sum(sum(aendring_maaneder)) over loeb as aendring_maaneder,
           sum(sum(begyndelser)) over loeb as begyndelser
    from skift
    group by saet_id, aar, status_date
    window loeb as (partition by saet_id, aar order by status_date rows unbounded preceding)
),
-- The set's columns joined here, before each running sum fans out to its status dates (about 8 a
-- row in the wide breakdown), and a set has a row on s when a period of it overlaps J..s (one
-- began in J..s).
med_saet as (
    select saet.kommunekode, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi, loebende.*
    from loebende
    join taellesaet as saet using (saet_id)
    where loebende.begyndelser > 0
),
-- Each status date s adds the changes of its year up to s, of the version known at s.
taelling as (
    select loebende.kommunekode, loebende.gruppe, loebende.opdeling, loebende.opdeling_vaerdi,
           statusdato.status_date, statusdato.dage,
           (loebende.aendring * (statusdato.status_date - statusdato.periode_start + 1)
            - loebende.aendring_dage)::hugeint as persondage,
           loebende.aendring::bigint as punkttaelling,
           (loebende.aendring * (month(statusdato.status_date) + 1) - loebende.aendring_maaneder)::hugeint
               as maanedspunkter
    from med_saet as loebende
    join statusdatoer as statusdato
      on statusdato.aar = loebende.aar
     and statusdato.status_date >= loebende.status_date
     and (loebende.naeste is null or statusdato.status_date < loebende.naeste)
)
select kommunekode, status_date, gruppe, opdeling, opdeling_vaerdi,
       persondage,
       persondage / dage as helaarsmodtagere,
       punkttaelling,
       maanedspunkter,
       maanedspunkter / month(status_date) as gennemsnit_punkttaellinger
from taelling
