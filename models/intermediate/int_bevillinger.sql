-- One row is: a granted service (ydelser) with what counting needs: its provider's type and
-- whether the provider is the paying municipality's own, its budget area, its target group, and the
-- first status date on which it is known (oprettet_dato), for expenses and for counting persons and days.
-- Only the columns a reader uses are kept: the provider's id and type serve ejerskab only (each
-- text column of a million rows cost about half a CPU second to write). The person key stays: the
-- exposure view would otherwise form it from cpr, and a view's SQL, with the pseudonym key in it,
-- is stored in the warehouse.
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
),
maalgrupper as (
    select * from {{ ref('int_maalgrupper') }}
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
    -- indicators.md, 07: a provider's owner decides against the municipality that pays; a provider
    -- without ejerkommune falls back on its type.
    case when leverandoerer.ejerkommune = ydelser.kommunekode then 'egen'
         when leverandoerer.ejerkommune is not null then 'ekstern'
         else coalesce(leverandoertyper.ejerskab, 'ukendt') end as ejerskab,
    ydelser.sagsbehandler_id,
    ydelser.timer_pr_uge,
    ydelser.takst,
    ydelser.takst_enhed,
    ydelser.botilbudslignende,
    case when ydelser.paragraf = '85' and ydelser.botilbudslignende then 'botilbud'
         else paragraffer.omraade end as omraade,
    maalgrupper.maalgruppe
from ydelser
left join leverandoerer on leverandoerer.leverandoer_id = ydelser.leverandoer_id
left join leverandoertyper
  on leverandoertyper.leverandoertype = coalesce(leverandoerer.leverandoertype, 'ukendt')
left join paragraffer on paragraffer.paragraf = ydelser.paragraf
left join maalgrupper on maalgrupper.vaerdi = coalesce(ydelser.maalgruppe, '')
