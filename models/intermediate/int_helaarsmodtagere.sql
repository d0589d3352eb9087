-- One row is: a municipality, status date and counting set (int_bevilling_grupper) with its
-- helaarsmodtagere HM = (person, day) pairs in J..s / D(s), its punkttaelling PT on s, and the
-- mean of its monthly point counts APT (the last day of each earlier month of Y, and s).
-- Each period of the version known at s adds its days in J..s and the point days it covers;
-- periods are per person, so the periods covering a day are the persons on that day.
WITH par AS (
    SELECT p.saet_id, p.kommunekode, p.gruppe, p.opdeling, p.opdeling_vaerdi, sd.status_date, sd.dage,
           greatest(p.fra, sd.periode_start) AS fra,
           least(p.til, sd.status_date) AS til,
           sd.status_date <= p.til AS paa_dagen
    FROM {{ ref('int_modtagerperioder') }} p
    JOIN {{ ref('int_statusdatoer') }} sd
      ON {{ kendt_version('p', 'sd.status_date') }}
     AND p.fra <= sd.status_date AND p.til >= sd.periode_start
)
SELECT
    any_value(kommunekode) AS kommunekode,
    status_date,
    any_value(gruppe) AS gruppe,
    any_value(opdeling) AS opdeling,
    any_value(opdeling_vaerdi) AS opdeling_vaerdi,
    sum(date_diff('day', fra, til) + 1) AS persondage,
    sum(date_diff('day', fra, til) + 1) / any_value(dage) AS helaarsmodtagere,
    count(*) FILTER (WHERE paa_dagen) AS punkttaelling,
    sum({{ maanedsultimoer_i('fra', 'til', 'status_date') }} + paa_dagen::INTEGER) AS maanedspunkter,
    sum({{ maanedsultimoer_i('fra', 'til', 'status_date') }} + paa_dagen::INTEGER) / month(status_date) AS gennemsnit_punkttaellinger
FROM par
GROUP BY saet_id, status_date
