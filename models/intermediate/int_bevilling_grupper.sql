-- One row is: a service (or placement) in one counting set: a group of indicators.md
-- (botilbud, dagtilbud, hjaelperordning, timer, merudgift; alle = any ydelse; anbringelse)
-- broken down by one breakdown (total, paragraf, leverandoertype, sagsbehandler, anbringelsestype).
-- A person counts once a day in each set, however many of its services are active.
with ydelse_grupper as (
    select b.*, g.gruppe
    from {{ ref('int_bevillinger') }} b
    join {{ ref('ydelsesgrupper') }} g
      on g.paragraf = b.paragraf and (not g.kun_botilbudslignende::boolean or b.botilbudslignende)
    union all
    select b.*, 'alle' as gruppe from {{ ref('int_bevillinger') }} b
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
)
select kommunekode, gruppe, opdeling, opdeling_vaerdi, cpr, foedselsdato, startdato, slutdato,
       kendt_fra_taelling, timer_pr_uge
from saet
union all
select a.kommunekode, 'anbringelse', o.opdeling, case o.opdeling when 'total' then 'total' else a.anbringelsestype end,
       a.cpr, a.foedselsdato, a.startdato, a.slutdato, {{ kendt_fra_taelling('a.oprettet_dato', 'a.startdato') }}, null
from {{ ref('stg_anbringelser') }} a cross join (values ('total'), ('anbringelsestype')) as o(opdeling)
