-- One row is: an unbroken period in which a person received services of one counting set
-- (int_bevilling_grupper), overlapping services merged, clipped to the reporting window,
-- as known from status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered late (after they started) make a new version of a person's periods from
-- the status date they became known; each status date reads the version it knew. Every count
-- of persons and days comes from here.
-- saet_id numbers the counting sets, so that counts can group by one integer instead of four texts.
WITH vindue AS (
    SELECT min(periode_start) AS fra, max(status_date) AS til, min(status_date) AS foerste
    FROM {{ ref('int_statusdatoer') }}
),
spells AS (
    SELECT DISTINCT g.kommunekode, g.gruppe, g.opdeling, g.opdeling_vaerdi, g.cpr, g.foedselsdato,
           greatest(g.startdato, v.fra) AS fra,
           least(coalesce(g.slutdato, v.til), v.til) AS til,
           g.kendt_fra_taelling AS kendt_fra
    FROM {{ ref('int_bevilling_grupper') }} g, vindue v
    WHERE g.kendt_fra_taelling IS NOT NULL
      AND g.startdato <= v.til
      AND coalesce(g.slutdato, v.til) >= v.fra
),
-- Partitions with a late registration need versions; all others have one version, from the start.
sene AS (
    SELECT DISTINCT s.kommunekode, s.gruppe, s.opdeling, s.opdeling_vaerdi, s.cpr
    FROM spells s, vindue v WHERE s.kendt_fra > v.foerste
),
enkle AS (
    SELECT s.kommunekode, s.gruppe, s.opdeling, s.opdeling_vaerdi, s.cpr, s.foedselsdato, s.fra, s.til
    FROM spells s
    ANTI JOIN sene USING (kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr)
),
versioner AS (
    SELECT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, kendt_fra,
           lead(kendt_fra) OVER (PARTITION BY kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr ORDER BY kendt_fra) AS kendt_til
    FROM (SELECT DISTINCT s.kommunekode, s.gruppe, s.opdeling, s.opdeling_vaerdi, s.cpr, s.kendt_fra
          FROM spells s SEMI JOIN sene USING (kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr))
),
versionerede AS (
    SELECT DISTINCT v.kommunekode, v.gruppe, v.opdeling, v.opdeling_vaerdi, v.cpr, s.foedselsdato,
           v.kendt_fra, v.kendt_til, s.fra, s.til
    FROM versioner v
    JOIN spells s USING (kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr)
    WHERE s.kendt_fra <= v.kendt_fra
)
SELECT *, dense_rank() OVER (ORDER BY kommunekode, gruppe, opdeling, opdeling_vaerdi) AS saet_id
FROM (
    SELECT p.*, v.foerste AS kendt_fra, NULL::DATE AS kendt_til
    FROM ({{ sammenhaengende_perioder('enkle', ['kommunekode', 'gruppe', 'opdeling', 'opdeling_vaerdi', 'cpr', 'foedselsdato']) }}) p, vindue v
    UNION ALL
    SELECT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, foedselsdato, fra, til, kendt_fra, kendt_til
    FROM ({{ sammenhaengende_perioder('versionerede', ['kommunekode', 'gruppe', 'opdeling', 'opdeling_vaerdi', 'cpr', 'foedselsdato', 'kendt_fra', 'kendt_til']) }})
)
