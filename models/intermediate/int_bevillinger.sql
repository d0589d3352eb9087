-- One row is: a granted service (ydelser) with what counting needs: its provider's type,
-- its budget area, and the first status date on which it is known (oprettet_dato), for expenses
-- and for counting persons and days.
SELECT
    y.bevilling_id,
    y.cpr,
    y.person_key,
    y.foedselsdato,
    y.kommunekode,
    y.paragraf,
    y.startdato,
    y.slutdato,
    y.oprettet_dato,
    {{ kendt_fra_status('y.oprettet_dato') }} AS kendt_fra_status,
    {{ kendt_fra_taelling('y.oprettet_dato', 'y.startdato') }} AS kendt_fra_taelling,
    y.leverandoer_id,
    coalesce(l.leverandoertype, 'ukendt') AS leverandoertype,
    coalesce(lt.ejerskab, 'ukendt') AS ejerskab,
    y.sagsbehandler_id,
    y.timer_pr_uge,
    y.takst,
    y.takst_enhed,
    y.botilbudslignende,
    CASE WHEN y.paragraf = '85' AND y.botilbudslignende THEN 'botilbud' ELSE p.omraade END AS omraade
FROM {{ ref('stg_ydelser') }} y
LEFT JOIN {{ ref('stg_leverandoerer') }} l ON l.leverandoer_id = y.leverandoer_id
LEFT JOIN {{ ref('leverandoertyper') }} lt ON lt.leverandoertype = coalesce(l.leverandoertype, 'ukendt')
LEFT JOIN {{ ref('paragraffer') }} p ON p.paragraf = y.paragraf
