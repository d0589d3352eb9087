-- One row is: a service (ydelser) and a year of the reporting window in which it is active,
-- with its disposed expenses for that whole year (J..E; open-ended runs to E), leap years included,
-- exact: udgift_7n is the expense x 7 x dage_i_aar (macros/udgifter.sql). The service's id is not
-- stored: no reader needs it, and a text of 1.4 million rows cost about half a CPU second to write.
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
-- Each service with the years of the window it is active in (a service is active in year Y when it
-- starts by the end of Y and ends, if at all, in Y or later), so that aar joins on equal years: a
-- join on the date ranges sorted every service.
bevilling_aar as (
    select
        bevilling.*,
        unnest(range(greatest(year(bevilling.startdato), (select min(aar) from aar)),
                     least(coalesce(year(bevilling.slutdato), 9999), (select max(aar) from aar)) + 1)) as aar
    from bevillinger as bevilling
    where bevilling.kendt_fra_status is not null
),
aktiv as (
    select
        bevilling.*,
        aar.dage_i_aar,
        {{ overlap_dage('bevilling.startdato', 'coalesce(bevilling.slutdato, aar.aar_slut)', 'aar.periode_start', 'aar.aar_slut') }} as aktive_dage
    from bevilling_aar as bevilling
    join aar using (aar)
)
select
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
