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
)
select
    bevillinger.kommunekode,
    statusdatoer.status_date,
    bevillinger.paragraf,
    sum(coalesce(bevillinger.timer_pr_uge, 0)
        * {{ overlap_dage('bevillinger.startdato', 'coalesce(bevillinger.slutdato, statusdatoer.status_date)',
                          'statusdatoer.periode_start', 'statusdatoer.status_date') }}) as timedage
from bevillinger
join ydelsesgrupper
  on ydelsesgrupper.paragraf = bevillinger.paragraf and ydelsesgrupper.gruppe = 'timer'
join statusdatoer
  on bevillinger.kendt_fra_status <= statusdatoer.status_date
 and bevillinger.startdato <= statusdatoer.status_date
 and coalesce(bevillinger.slutdato, statusdatoer.status_date) >= statusdatoer.periode_start
group by all
