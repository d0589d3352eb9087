-- One row is: a municipality, status date and counting set (int_bevilling_grupper) with its
-- helaarsmodtagere HM = (person, day) pairs in J..s / D(s), and its punkttaelling PT on s.
-- Each period of the version known at s adds its days in J..s; periods are per person, so the
-- periods containing s are the persons on s.
SELECT
    any_value(p.kommunekode) AS kommunekode,
    sd.status_date,
    any_value(p.gruppe) AS gruppe,
    any_value(p.opdeling) AS opdeling,
    any_value(p.opdeling_vaerdi) AS opdeling_vaerdi,
    sum({{ overlap_dage('p.fra', 'p.til', 'sd.periode_start', 'sd.status_date') }}) AS persondage,
    sum({{ overlap_dage('p.fra', 'p.til', 'sd.periode_start', 'sd.status_date') }}) / any_value(sd.dage) AS helaarsmodtagere,
    count(*) FILTER (WHERE sd.status_date BETWEEN p.fra AND p.til) AS punkttaelling
FROM {{ ref('int_modtagerperioder') }} p
JOIN {{ ref('int_statusdatoer') }} sd
  ON {{ kendt_version('p', 'sd.status_date') }}
 AND p.fra <= sd.status_date AND p.til >= sd.periode_start
GROUP BY p.saet_id, sd.status_date
