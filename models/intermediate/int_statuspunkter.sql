-- One row is: a day on which a status date's mean of monthly point counts (APT) counts:
-- the last day of each earlier month of the status date's year, and the status date itself.
SELECT
    sd.status_date,
    CASE WHEN m = month(sd.status_date) THEN sd.status_date
         ELSE last_day(make_date(sd.aar, m, 1)) END AS punkt_dato
FROM {{ ref('int_statusdatoer') }} sd, range(1, month(sd.status_date) + 1) AS t(m)
