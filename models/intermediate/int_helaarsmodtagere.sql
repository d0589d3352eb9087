-- One row is: a municipality, status date and counting set (int_bevilling_grupper) with its
-- helaarsmodtagere HM = (person, day) pairs in J..s / D(s), its punkttaelling PT on s, and the
-- mean of its monthly point counts APT (the last day of each earlier month of Y, and s).
-- Periods are per person, so the periods covering a day are the persons on that day. Instead of
-- joining every period to every status date, each period's part in a year becomes two changes of
-- the number of persons (+1 on its first day, -1 the day after its last), summed per counting set,
-- version and status date they fall before; each status date then adds up the changes before it:
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
modtagerperioder as (
    select * from {{ ref('int_modtagerperioder') }}
),
taellesaet as (
    select * from {{ ref('int_taellesaet') }}
),
aar as (
    select distinct periode_start, aar_slut from statusdatoer
),
-- A period's part in each year of the reporting window.
dele as (
    select periode.saet_id, periode.kendt_fra, periode.kendt_til, aar.periode_start, aar.aar_slut,
           greatest(periode.fra, aar.periode_start) as fra,
           least(periode.til, aar.aar_slut) as til
    from modtagerperioder as periode
    join aar on periode.fra <= aar.aar_slut and periode.til >= aar.periode_start
),
aendringer as (
    select saet_id, kendt_fra, kendt_til, periode_start, fra as dag, 1 as aendring from dele
    union all
    select saet_id, kendt_fra, kendt_til, periode_start, til + 1, -1 from dele where til < aar_slut
),
-- The changes summed by the first status date on or after their day: status dates are the month
-- ends and the given date (int_statusdatoer); a change after the given date counts nowhere.
pr_statusdato as (
    select saet_id, kendt_fra, kendt_til,
           least(last_day(dag), date '{{ var("as_of") }}') as status_date,
           sum(aendring) as aendring,
           sum(aendring * (dag - periode_start)) as aendring_dage,
           count(*) filter (where aendring = 1) as begyndelser
    from aendringer
    where dag <= date '{{ var("as_of") }}'
    group by saet_id, kendt_fra, kendt_til, status_date
),
-- The status dates of its year on which a change counts: from its own, or its version's first if
-- later, to (not including) the version's last, if that falls in the year.
gueltige as (
    select saet_id, year(status_date) as aar, greatest(status_date, kendt_fra) as fra_status,
           case when year(kendt_til) = year(status_date) then kendt_til end as til_status,
           aendring::bigint as aendring, aendring_dage::bigint as aendring_dage,
           aendring::bigint * month(status_date) as aendring_maaneder, begyndelser
    from pr_statusdato
    where year(greatest(status_date, kendt_fra)) = year(status_date)
      and (kendt_til is null or greatest(status_date, kendt_fra) < kendt_til)
),
skift as (
    select saet_id, aar, fra_status as status_date, aendring, aendring_dage, aendring_maaneder, begyndelser
    from gueltige
    union all
    select saet_id, aar, til_status, -aendring, -aendring_dage, -aendring_maaneder, -begyndelser
    from gueltige where til_status is not null
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
-- Each status date s adds the changes of its year up to s, of the version known at s; a set has a
-- row on s when a period of it overlaps J..s (one began in J..s).
taelling as (
    select loebende.saet_id, statusdato.status_date, statusdato.dage,
           (loebende.aendring * (statusdato.status_date - statusdato.periode_start + 1)
            - loebende.aendring_dage)::hugeint as persondage,
           loebende.aendring::bigint as punkttaelling,
           (loebende.aendring * (month(statusdato.status_date) + 1) - loebende.aendring_maaneder)::hugeint
               as maanedspunkter
    from loebende
    join statusdatoer as statusdato
      on statusdato.aar = loebende.aar
     and statusdato.status_date >= loebende.status_date
     and (loebende.naeste is null or statusdato.status_date < loebende.naeste)
    where loebende.begyndelser > 0
)
select saet.kommunekode, taelling.status_date, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi,
       taelling.persondage,
       taelling.persondage / taelling.dage as helaarsmodtagere,
       taelling.punkttaelling,
       taelling.maanedspunkter,
       taelling.maanedspunkter / month(taelling.status_date) as gennemsnit_punkttaellinger
from taelling
join taellesaet as saet using (saet_id)
