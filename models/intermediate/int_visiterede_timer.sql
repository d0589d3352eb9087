-- One row is: a municipality, status date and paragraph of the timer group, with the granted
-- hours per week summed over every day of J..s (the numerator of indicator 01 before / D(s)).
SELECT
    b.kommunekode,
    sd.status_date,
    b.paragraf,
    sum(coalesce(b.timer_pr_uge, 0)
        * {{ overlap_dage('b.startdato', 'coalesce(b.slutdato, sd.status_date)', 'sd.periode_start', 'sd.status_date') }}) AS timedage
FROM {{ ref('int_bevillinger') }} b
JOIN {{ ref('ydelsesgrupper') }} g ON g.paragraf = b.paragraf AND g.gruppe = 'timer'
JOIN {{ ref('int_statusdatoer') }} sd
  ON b.kendt_fra_status <= sd.status_date
 AND b.startdato <= sd.status_date AND coalesce(b.slutdato, sd.status_date) >= sd.periode_start
GROUP BY ALL
