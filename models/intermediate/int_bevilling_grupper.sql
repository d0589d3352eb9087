-- One row is: a service (or placement) in one counting set: a group of indicators.md
-- (botilbud, dagtilbud, hjaelperordning, timer, merudgift; alle = any ydelse; anbringelse)
-- broken down by one breakdown (total, paragraf, leverandoertype, sagsbehandler, maalgruppe,
-- paragraf:sagsbehandler, anbringelsestype).
-- A person counts once a day in each set, however many of its services are active.
with bevillinger as (
    select * from {{ ref('int_bevillinger') }}
),
ydelsesgrupper as (
    select * from {{ ref('ydelsesgrupper') }}
),
anbringelser as (
    select * from {{ ref('stg_anbringelser') }}
),
ydelse_grupper as (
    select bevillinger.*, ydelsesgrupper.gruppe
    from bevillinger
    join ydelsesgrupper on {{ i_ydelsesgruppe('bevillinger', 'ydelsesgrupper') }}
    union all
    select bevillinger.*, 'alle' as gruppe from bevillinger
),
saet as (
    select *, 'total' as opdeling, 'total' as opdeling_vaerdi from ydelse_grupper
    union all
    select *, 'paragraf', paragraf from ydelse_grupper where gruppe <> 'alle'
    union all
    select *, 'leverandoertype', ejerskab from ydelse_grupper where gruppe = 'botilbud'
    union all
    -- '' (never a real id: staging reads empty as NULL) holds services with no caseworker: in no row
    -- of indicator 08, but counted for its warning (persons with no caseworker on s).
    select *, 'sagsbehandler', coalesce(sagsbehandler_id, '') from ydelse_grupper where gruppe = 'alle'
    union all
    -- 08's caseload of one paragraph (value '107:S12'); a service with no caseworker is in none.
    select *, 'paragraf:sagsbehandler', paragraf || ':' || sagsbehandler_id
    from ydelse_grupper where gruppe = 'alle' and sagsbehandler_id is not null
    union all
    -- each service in its own target group only, so a person of two groups counts in both
    select *, 'maalgruppe', maalgruppe
    from ydelse_grupper where gruppe in ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
)
select kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, foedselsdato, startdato, slutdato,
       kendt_fra_taelling, timer_pr_uge
from saet
union all
select anbringelser.kommunekode, 'anbringelse', opdelinger.opdeling,
       case opdelinger.opdeling when 'total' then 'total' else anbringelser.anbringelsestype end,
       anbringelser.cpr, anbringelser.foedselsdato, anbringelser.startdato, anbringelser.slutdato,
       {{ kendt_fra_taelling('anbringelser.oprettet_dato', 'anbringelser.startdato') }}, null
from anbringelser
cross join (values ('total'), ('anbringelsestype')) as opdelinger(opdeling)
