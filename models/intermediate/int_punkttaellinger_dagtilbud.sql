-- One row is: a municipality, status date, breakdown of dagtilbud and point day (int_statuspunkter),
-- with the persons in dagtilbud that day, as known at the status date: the terms of APT (indicator 13).
SELECT
    p.kommunekode,
    sp.status_date,
    p.opdeling,
    p.opdeling_vaerdi,
    sp.punkt_dato,
    count(*) AS personer
FROM {{ ref('int_modtagerperioder') }} p
JOIN {{ ref('int_statuspunkter') }} sp
  ON {{ kendt_version('p', 'sp.status_date') }}
 AND sp.punkt_dato BETWEEN p.fra AND p.til
WHERE p.gruppe = 'dagtilbud'
GROUP BY ALL
