-- One row is: a municipality, status date and paragraph of the timer group, with the granted
-- hours per week summed over every day of J..s (the numerator of indicator 01 before / D(s)).
with bevillinger as (
    select * from {{ ref('int_bevillinger') }}
),
ydelsesgrupper as (
    select * from {{ ref('ydelsesgrupper') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
vindue as (
    select min(periode_start) as foerste_dag, max(status_date) as sidste_dag from statusdatoer
),
-- The services' hours summed per municipality, paragraph, first status date known and days in the
-- window (their dates clipped to it, an open end to its last day: no status date tells them
-- apart): exact decimals, so the product of the sum is the sum of the products, and the join to
-- the status dates has a third of the rows.
timer as (
    select
        bevillinger.kommunekode,
        bevillinger.paragraf,
        bevillinger.kendt_fra_status,
        greatest(bevillinger.startdato, vindue.foerste_dag) as fra,
        least(coalesce(bevillinger.slutdato, vindue.sidste_dag), vindue.sidste_dag) as til,
        sum(coalesce(bevillinger.timer_pr_uge, 0)) as timer_pr_uge
    from bevillinger
    join ydelsesgrupper
      on ydelsesgrupper.paragraf = bevillinger.paragraf and ydelsesgrupper.gruppe = 'timer'
    cross join vindue
    where bevillinger.kendt_fra_status is not null
    group by all
)
select
    timer.kommunekode,
    statusdatoer.status_date,
    timer.paragraf,
    sum(timer.timer_pr_uge
        * {{ overlap_dage('timer.fra', 'timer.til', 'statusdatoer.periode_start', 'statusdatoer.status_date') }}) as timedage
from timer
join statusdatoer
  on timer.kendt_fra_status <= statusdatoer.status_date
 and timer.fra <= statusdatoer.status_date
 and timer.til >= statusdatoer.periode_start
group by all
