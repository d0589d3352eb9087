-- One row is: a service (ydelser) and a year of the reporting window in which it is active,
-- with its disposed expenses for that whole year (J..E; open-ended runs to E), leap years included.
WITH aar AS (
    SELECT DISTINCT aar, periode_start, aar_slut,
           date_diff('day', periode_start, aar_slut) + 1 AS dage_i_aar
    FROM {{ ref('int_statusdatoer') }}
)
SELECT
    b.bevilling_id,
    b.kommunekode,
    b.cpr,
    b.foedselsdato,
    b.paragraf,
    b.botilbudslignende,
    b.omraade,
    b.sagsbehandler_id,
    b.kendt_fra_status,
    a.aar,
    {{ overlap_dage('b.startdato', 'coalesce(b.slutdato, a.aar_slut)', 'a.periode_start', 'a.aar_slut') }} AS aktive_dage,
    {{ udgift_for_dage('b.takst', 'b.takst_enhed', 'b.timer_pr_uge', 'a.dage_i_aar',
                       overlap_dage('b.startdato', 'coalesce(b.slutdato, a.aar_slut)', 'a.periode_start', 'a.aar_slut')) }} AS udgift
FROM {{ ref('int_bevillinger') }} b
JOIN aar a ON b.startdato <= a.aar_slut AND coalesce(b.slutdato, a.aar_slut) >= a.periode_start
WHERE b.kendt_fra_status IS NOT NULL
