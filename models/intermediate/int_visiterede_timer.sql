-- One row is: a municipality, status date and paragraph of the timer group, with the granted
-- hours per week summed over every day of J..s (the numerator of indicator 01 before / D(s)).
select
    b.kommunekode,
    sd.status_date,
    b.paragraf,
    sum(coalesce(b.timer_pr_uge, 0)
        * {{ overlap_dage('b.startdato', 'coalesce(b.slutdato, sd.status_date)', 'sd.periode_start', 'sd.status_date') }}) as timedage
from {{ ref('int_bevillinger') }} b
join {{ ref('ydelsesgrupper') }} g on g.paragraf = b.paragraf and g.gruppe = 'timer'
join {{ ref('int_statusdatoer') }} sd
  on b.kendt_fra_status <= sd.status_date
 and b.startdato <= sd.status_date and coalesce(b.slutdato, sd.status_date) >= sd.periode_start
group by all
