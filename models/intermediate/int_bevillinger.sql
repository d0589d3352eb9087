-- One row is: a granted service (ydelser) with what counting needs: its provider's type,
-- its budget area, and the first status date on which it is known (oprettet_dato), for expenses
-- and for counting persons and days.
with ydelser as (
    select * from {{ ref('stg_ydelser') }}
),
leverandoerer as (
    select * from {{ ref('stg_leverandoerer') }}
),
leverandoertyper as (
    select * from {{ ref('leverandoertyper') }}
),
paragraffer as (
    select * from {{ ref('paragraffer') }}
)
select
    ydelser.bevilling_id,
    ydelser.cpr,
    ydelser.person_key,
    ydelser.foedselsdato,
    ydelser.kommunekode,
    ydelser.paragraf,
    ydelser.startdato,
    ydelser.slutdato,
    ydelser.oprettet_dato,
    {{ kendt_fra_status('ydelser.oprettet_dato') }} as kendt_fra_status,
    {{ kendt_fra_taelling('ydelser.oprettet_dato', 'ydelser.startdato') }} as kendt_fra_taelling,
    ydelser.leverandoer_id,
    coalesce(leverandoerer.leverandoertype, 'ukendt') as leverandoertype,
    coalesce(leverandoertyper.ejerskab, 'ukendt') as ejerskab,
    ydelser.sagsbehandler_id,
    ydelser.timer_pr_uge,
    ydelser.takst,
    ydelser.takst_enhed,
    ydelser.botilbudslignende,
    case when ydelser.paragraf = '85' and ydelser.botilbudslignende then 'botilbud'
         else paragraffer.omraade end as omraade
from ydelser
left join leverandoerer on leverandoerer.leverandoer_id = ydelser.leverandoer_id
left join leverandoertyper
  on leverandoertyper.leverandoertype = coalesce(leverandoerer.leverandoertype, 'ukendt')
left join paragraffer on paragraffer.paragraf = ydelser.paragraf
