-- One row is: a granted service (ydelser) with what counting needs: its provider's type,
-- its budget area, and the first status date on which it is known (oprettet_dato), for expenses
-- and for counting persons and days.
select
    y.bevilling_id,
    y.cpr,
    y.person_key,
    y.foedselsdato,
    y.kommunekode,
    y.paragraf,
    y.startdato,
    y.slutdato,
    y.oprettet_dato,
    {{ kendt_fra_status('y.oprettet_dato') }} as kendt_fra_status,
    {{ kendt_fra_taelling('y.oprettet_dato', 'y.startdato') }} as kendt_fra_taelling,
    y.leverandoer_id,
    coalesce(l.leverandoertype, 'ukendt') as leverandoertype,
    coalesce(lt.ejerskab, 'ukendt') as ejerskab,
    y.sagsbehandler_id,
    y.timer_pr_uge,
    y.takst,
    y.takst_enhed,
    y.botilbudslignende,
    case when y.paragraf = '85' and y.botilbudslignende then 'botilbud' else p.omraade end as omraade
from {{ ref('stg_ydelser') }} y
left join {{ ref('stg_leverandoerer') }} l on l.leverandoer_id = y.leverandoer_id
left join {{ ref('leverandoertyper') }} lt on lt.leverandoertype = coalesce(l.leverandoertype, 'ukendt')
left join {{ ref('paragraffer') }} p on p.paragraf = y.paragraf
