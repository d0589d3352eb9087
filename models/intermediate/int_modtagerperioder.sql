-- One row is: an unbroken period in which a person received services of one counting set
-- (int_taellesaet), overlapping services merged, clipped to the reporting window, as known from
-- status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered late (after they started) make a new version of a person's periods from
-- the status date they became known; each status date reads the version it knew. Every count
-- of persons and days comes from here.
WITH vindue AS (
    SELECT min(periode_start) AS fra, max(status_date) AS til, min(status_date) AS foerste
    FROM {{ ref('int_statusdatoer') }}
),
spells AS (
    SELECT DISTINCT s.saet_id, g.cpr, g.foedselsdato,
           greatest(g.startdato, v.fra) AS fra,
           least(coalesce(g.slutdato, v.til), v.til) AS til,
           g.kendt_fra_taelling AS kendt_fra
    FROM {{ ref('int_bevilling_grupper') }} g
    JOIN {{ ref('int_taellesaet') }} s USING (kommunekode, gruppe, opdeling, opdeling_vaerdi), vindue v
    WHERE g.kendt_fra_taelling IS NOT NULL
      AND g.startdato <= v.til
      AND coalesce(g.slutdato, v.til) >= v.fra
),
-- Persons with a late registration in a set need versions; all others have one, from the start.
sene AS (
    SELECT DISTINCT s.saet_id, s.cpr FROM spells s, vindue v WHERE s.kendt_fra > v.foerste
),
enkle AS (
    SELECT s.saet_id, s.cpr, s.foedselsdato, s.fra, s.til
    FROM spells s ANTI JOIN sene USING (saet_id, cpr)
),
versioner AS (
    SELECT saet_id, cpr, kendt_fra,
           lead(kendt_fra) OVER (PARTITION BY saet_id, cpr ORDER BY kendt_fra) AS kendt_til
    FROM (SELECT DISTINCT s.saet_id, s.cpr, s.kendt_fra FROM spells s SEMI JOIN sene USING (saet_id, cpr))
),
versionerede AS (
    SELECT DISTINCT v.saet_id, v.cpr, s.foedselsdato, v.kendt_fra, v.kendt_til, s.fra, s.til
    FROM versioner v
    JOIN spells s USING (saet_id, cpr)
    WHERE s.kendt_fra <= v.kendt_fra
),
perioder AS (
    SELECT p.*, v.foerste AS kendt_fra, NULL::DATE AS kendt_til
    FROM ({{ sammenhaengende_perioder('enkle', ['saet_id', 'cpr', 'foedselsdato']) }}) p, vindue v
    UNION ALL
    SELECT saet_id, cpr, foedselsdato, fra, til, kendt_fra, kendt_til
    FROM ({{ sammenhaengende_perioder('versionerede', ['saet_id', 'cpr', 'foedselsdato', 'kendt_fra', 'kendt_til']) }})
)
SELECT t.kommunekode, t.gruppe, t.opdeling, t.opdeling_vaerdi, p.cpr, p.foedselsdato,
       p.kendt_fra, p.kendt_til, p.fra, p.til, p.saet_id
FROM perioder p JOIN {{ ref('int_taellesaet') }} t USING (saet_id)
