-- One row is: a service (ydelser) and a year of the reporting window in which it is active,
-- with its disposed expenses for that whole year (J..E; open-ended runs to E), leap years included,
-- exact: udgift_7n is the expense x 7 x dage_i_aar (macros/udgifter.sql).
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
bevillinger as (
    select * from {{ ref('int_bevillinger') }}
),
aar as (
    select distinct aar, periode_start, aar_slut, {{ dage_i_aar('periode_start') }} as dage_i_aar
    from statusdatoer
),
aktiv as (
    select
        bevilling.*,
        aar.aar,
        aar.dage_i_aar,
        {{ overlap_dage('bevilling.startdato', 'coalesce(bevilling.slutdato, aar.aar_slut)', 'aar.periode_start', 'aar.aar_slut') }} as aktive_dage
    from bevillinger as bevilling
    join aar
      on bevilling.startdato <= aar.aar_slut and coalesce(bevilling.slutdato, aar.aar_slut) >= aar.periode_start
    where bevilling.kendt_fra_status is not null
)
select
    bevilling_id,
    kommunekode,
    cpr,
    foedselsdato,
    paragraf,
    botilbudslignende,
    omraade,
    sagsbehandler_id,
    kendt_fra_status,
    aar,
    dage_i_aar,
    aktive_dage,
    {{ udgift_7n_for_dage('takst', 'takst_enhed', 'timer_pr_uge', 'dage_i_aar', 'aktive_dage') }} as udgift_7n
from aktiv
