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
-- Each status date s adds the changes of its year up to s, of the version known at s; a set has a
-- row on s when a period of it overlaps J..s (one began in J..s).
taelling as (
    select pr_statusdato.saet_id, statusdato.status_date, statusdato.dage,
           sum(pr_statusdato.aendring * (statusdato.status_date - statusdato.periode_start + 1)
               - pr_statusdato.aendring_dage) as persondage,
           sum(pr_statusdato.aendring)::bigint as punkttaelling,
           sum(pr_statusdato.aendring * (month(statusdato.status_date) - month(pr_statusdato.status_date) + 1))
               as maanedspunkter
    from pr_statusdato
    join statusdatoer as statusdato
      on {{ kendt_version('pr_statusdato', 'statusdato.status_date') }}
     and pr_statusdato.status_date <= statusdato.status_date and year(pr_statusdato.status_date) = statusdato.aar
    group by pr_statusdato.saet_id, statusdato.status_date, statusdato.dage
    having sum(pr_statusdato.begyndelser) > 0
)
select saet.kommunekode, taelling.status_date, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi,
       taelling.persondage,
       taelling.persondage / taelling.dage as helaarsmodtagere,
       taelling.punkttaelling,
       taelling.maanedspunkter,
       taelling.maanedspunkter / month(taelling.status_date) as gennemsnit_punkttaellinger
from taelling
join taellesaet as saet using (saet_id)
