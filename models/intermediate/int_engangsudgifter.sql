-- One row is: a one-off grant (engangsbevillinger) counted at a status date: known then, and
-- dated in J..s of the status date's year.
SELECT
    sd.status_date,
    e.kommunekode,
    e.bevilling_id,
    e.cpr,
    e.foedselsdato,
    e.paragraf,
    e.sagsbehandler_id,
    e.beloeb AS udgift
FROM {{ ref('stg_engangsbevillinger') }} e
JOIN {{ ref('int_statusdatoer') }} sd
  ON e.bevillingsdato BETWEEN sd.periode_start AND sd.status_date
 AND (e.oprettet_dato IS NULL OR e.oprettet_dato <= sd.status_date)
