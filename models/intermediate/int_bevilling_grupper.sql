-- One row is: a service (or placement) in one counting set: a group of indicators.md
-- (botilbud, dagtilbud, hjaelperordning, timer, merudgift; alle = any ydelse; anbringelse)
-- broken down by one breakdown (total, paragraf, leverandoertype, sagsbehandler, anbringelsestype).
-- A person counts once a day in each set, however many of its services are active.
WITH ydelse_grupper AS (
    SELECT b.*, g.gruppe
    FROM {{ ref('int_bevillinger') }} b
    JOIN {{ ref('ydelsesgrupper') }} g
      ON g.paragraf = b.paragraf AND (NOT g.kun_botilbudslignende::BOOLEAN OR b.botilbudslignende)
    UNION ALL
    SELECT b.*, 'alle' AS gruppe FROM {{ ref('int_bevillinger') }} b
),
saet AS (
    SELECT *, 'total' AS opdeling, 'total' AS opdeling_vaerdi FROM ydelse_grupper
    UNION ALL
    SELECT *, 'paragraf', paragraf FROM ydelse_grupper WHERE gruppe <> 'alle'
    UNION ALL
    SELECT *, 'leverandoertype', ejerskab FROM ydelse_grupper WHERE gruppe = 'botilbud'
    UNION ALL
    -- '' (never a real id: staging reads empty as NULL) holds services with no caseworker: in no row
    -- of indicator 08, but counted for its warning (persons with no caseworker on s).
    SELECT *, 'sagsbehandler', coalesce(sagsbehandler_id, '') FROM ydelse_grupper WHERE gruppe = 'alle'
)
SELECT kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, foedselsdato, startdato, slutdato,
       kendt_fra_taelling, timer_pr_uge
FROM saet
UNION ALL
SELECT a.kommunekode, 'anbringelse', o.opdeling, CASE o.opdeling WHEN 'total' THEN 'total' ELSE a.anbringelsestype END,
       a.cpr, a.foedselsdato, a.startdato, a.slutdato, {{ kendt_fra_taelling('a.oprettet_dato', 'a.startdato') }}, NULL
FROM {{ ref('stg_anbringelser') }} a, (VALUES ('total'), ('anbringelsestype')) AS o(opdeling)
