-- One row is: a one-off grant (engangsbevillinger) counted at a status date: known then, and
-- dated in J..s of the status date's year.
select
    sd.status_date,
    e.kommunekode,
    e.bevilling_id,
    e.cpr,
    e.foedselsdato,
    e.paragraf,
    e.sagsbehandler_id,
    e.beloeb as udgift
from {{ ref('stg_engangsbevillinger') }} e
join {{ ref('int_statusdatoer') }} sd
  on e.bevillingsdato between sd.periode_start and sd.status_date
 and (e.oprettet_dato is null or e.oprettet_dato <= sd.status_date)
