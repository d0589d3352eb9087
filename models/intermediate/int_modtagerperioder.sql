-- One row is: an unbroken period in which a person received services of one counting set
-- (int_bevilling_grupper), overlapping services merged, clipped to the reporting window,
-- as known from status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered later (oprettet_dato) make a new version of a person's periods; each
-- status date reads the version it knew. Every count of persons and days comes from here.
WITH vindue AS (
    SELECT min(periode_start) AS fra, max(status_date) AS til FROM {{ ref('int_statusdatoer') }}
),
spells AS (
    SELECT g.kommunekode, g.gruppe, g.opdeling, g.opdeling_vaerdi, g.cpr, g.foedselsdato,
           greatest(g.startdato, v.fra) AS fra,
           least(coalesce(g.slutdato, v.til), v.til) AS til,
           g.kendt_fra_status
    FROM {{ ref('int_bevilling_grupper') }} g, vindue v
    WHERE g.kendt_fra_status IS NOT NULL
      AND g.startdato <= v.til
      AND coalesce(g.slutdato, v.til) >= v.fra
),
versioner AS (
    SELECT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr,
           kendt_fra_status AS kendt_fra,
           lead(kendt_fra_status) OVER (PARTITION BY kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr
                                        ORDER BY kendt_fra_status) AS kendt_til
    FROM (SELECT DISTINCT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, kendt_fra_status FROM spells)
),
-- DISTINCT makes (fra, til) unique in a partition, so both windows below order its rows the
-- same way; with ties they could differ and split one period in two.
version_spells AS (
    SELECT DISTINCT v.kommunekode, v.gruppe, v.opdeling, v.opdeling_vaerdi, v.cpr, s.foedselsdato,
           v.kendt_fra, v.kendt_til, s.fra, s.til
    FROM versioner v
    JOIN spells s USING (kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr)
    WHERE s.kendt_fra_status <= v.kendt_fra
),
markeret AS (
    SELECT *,
           CASE WHEN fra <= max(til) OVER (PARTITION BY kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, kendt_fra
                                           ORDER BY fra, til ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1
                THEN 0 ELSE 1 END AS ny_periode
    FROM version_spells
),
nummereret AS (
    SELECT *,
           sum(ny_periode) OVER (PARTITION BY kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, kendt_fra
                                 ORDER BY fra, til ROWS UNBOUNDED PRECEDING) AS periode_nr
    FROM markeret
)
SELECT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, any_value(foedselsdato) AS foedselsdato,
       kendt_fra, any_value(kendt_til) AS kendt_til, min(fra) AS fra, max(til) AS til
FROM nummereret
GROUP BY kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, kendt_fra, periode_nr
