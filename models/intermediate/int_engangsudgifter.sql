-- One row is: a one-off grant (engangsbevillinger) counted at a status date: known then, and
-- dated in J..s of the status date's year.
with engangsbevillinger as (
    select * from {{ ref('stg_engangsbevillinger') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
)
select
    statusdatoer.status_date,
    engangsbevillinger.kommunekode,
    engangsbevillinger.bevilling_id,
    engangsbevillinger.cpr,
    engangsbevillinger.foedselsdato,
    engangsbevillinger.paragraf,
    engangsbevillinger.sagsbehandler_id,
    engangsbevillinger.beloeb as udgift
from engangsbevillinger
join statusdatoer
  on engangsbevillinger.bevillingsdato between statusdatoer.periode_start and statusdatoer.status_date
 and (engangsbevillinger.oprettet_dato is null
      or engangsbevillinger.oprettet_dato <= statusdatoer.status_date)
