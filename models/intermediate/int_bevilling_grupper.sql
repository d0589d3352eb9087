-- One row is: a service (or placement) in one counting set: a group of indicators.md
-- (botilbud, dagtilbud, hjaelperordning, timer, merudgift; alle = any ydelse; anbringelse)
-- broken down by one breakdown (total, paragraf, leverandoertype, sagsbehandler, maalgruppe,
-- paragraf:sagsbehandler, anbringelsestype).
-- A person counts once a day in each set, however many of its services are active.
-- saet_noegle is the set as one integer that orders as its four texts do (municipality, group,
-- breakdown, value, each as its rank in text order), so that sets are found, numbered and joined
-- without comparing texts; each service's texts are ranked once, not once for each set it is in.
-- The CTEs read more than once are not materialized: each read takes only the columns it needs.
with bevillinger as not materialized (
    select * from {{ ref('int_bevillinger') }}
),
ydelsesgrupper as (
    select * from {{ ref('ydelsesgrupper') }}
),
anbringelser as not materialized (
    select * from {{ ref('stg_anbringelser') }}
),
-- which breakdowns each group has: a service counts in one set of each
opdelinger as (
    select opdeling, regel, row_number() over (order by opdeling) - 1 as nr
    from (values ('total', 1), ('paragraf', 2), ('leverandoertype', 3), ('sagsbehandler', 4),
                 ('paragraf:sagsbehandler', 5), ('maalgruppe', 6), ('anbringelsestype', 7)) as opdelinger(opdeling, regel)
),
grupper as (
    select gruppe, row_number() over (order by gruppe) - 1 as nr
    from (select gruppe from ydelsesgrupper union select 'alle' union select 'anbringelse')
),
gruppe_opdelinger as (
    select grupper.gruppe, grupper.nr as gruppe_nr, opdelinger.opdeling, opdelinger.regel, opdelinger.nr as opdeling_nr
    from grupper
    join opdelinger
      on case opdelinger.opdeling
             when 'total' then true
             when 'paragraf' then grupper.gruppe not in ('alle', 'anbringelse')
             when 'leverandoertype' then grupper.gruppe = 'botilbud'
             when 'sagsbehandler' then grupper.gruppe = 'alle'
             -- 08's caseload of one paragraph (value '107:S12')
             when 'paragraf:sagsbehandler' then grupper.gruppe = 'alle'
             -- each service in its own target group only, so a person of two groups counts in both
             when 'maalgruppe' then grupper.gruppe in ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
             when 'anbringelsestype' then grupper.gruppe = 'anbringelse'
         end
),
ydelser as not materialized (
    select kommunekode, paragraf, botilbudslignende, ejerskab, maalgruppe, sagsbehandler_id, cpr, foedselsdato,
           startdato, slutdato, kendt_fra_taelling, timer_pr_uge,
           -- '' (never a real id: staging reads empty as NULL) holds services with no caseworker: in
           -- no row of indicator 08, but counted for its warning (persons with no caseworker on s).
           coalesce(sagsbehandler_id, '') as sagsbehandler_vaerdi
    from bevillinger
),
-- each breakdown's values ranked in text order (NULL last, as ORDER BY puts it)
{{ rangorden('paragraffer', 'ydelser', 'paragraf') }},
{{ rangorden('ejerskaber', 'ydelser', 'ejerskab') }},
{{ rangorden('sagsbehandlere', 'ydelser', 'sagsbehandler_vaerdi') }},
{{ rangorden('maalgrupper', 'ydelser', 'maalgruppe') }},
{{ rangorden('anbringelsestyper', 'anbringelser', 'anbringelsestype') }},
-- a paragraph and caseworker ranked as the text '107:S12' (08's caseload of one paragraph), found
-- by their two ranks; a service with no caseworker is in none
paragraf_sagsbehandlere as (
    select paragraffer.nr as paragraf_nr, sagsbehandlere.nr as sagsbehandler_nr, par.vaerdi,
           row_number() over (order by par.vaerdi) - 1 as nr
    from (select paragraf, sagsbehandler_id, paragraf || ':' || sagsbehandler_id as vaerdi
          from (select distinct paragraf, sagsbehandler_id from ydelser where sagsbehandler_id is not null)) as par
    join paragraffer on paragraffer.vaerdi = par.paragraf
    join sagsbehandlere on sagsbehandlere.vaerdi = par.sagsbehandler_id
),
-- each service with its ranks, once (read for each of its groups)
ydelse_numre as materialized (
    select ydelser.*, paragraffer.nr as paragraf_nr, ejerskaber.nr as ejerskab_nr,
           sagsbehandlere.nr as sagsbehandler_nr, maalgrupper.nr as maalgruppe_nr,
           paragraf_sagsbehandlere.vaerdi as paragraf_sagsbehandler_vaerdi,
           paragraf_sagsbehandlere.nr as paragraf_sagsbehandler_nr
    from ydelser
    join paragraffer on paragraffer.vaerdi is not distinct from ydelser.paragraf
    join ejerskaber on ejerskaber.vaerdi is not distinct from ydelser.ejerskab
    join sagsbehandlere on sagsbehandlere.vaerdi is not distinct from ydelser.sagsbehandler_vaerdi
    join maalgrupper on maalgrupper.vaerdi is not distinct from ydelser.maalgruppe
    left join paragraf_sagsbehandlere
      on paragraf_sagsbehandlere.paragraf_nr = paragraffer.nr
     and paragraf_sagsbehandlere.sagsbehandler_nr = sagsbehandlere.nr
     and ydelser.sagsbehandler_id is not null
),
-- the key's factors: each rank is below its factor (a municipality code is three digits)
stoerrelser as (
    select (select count(*) from grupper) as grupper, (select count(*) from opdelinger) as opdelinger,
           greatest((select count(*) from paragraffer), (select count(*) from ejerskaber),
                    (select count(*) from sagsbehandlere), (select count(*) from maalgrupper),
                    (select count(*) from anbringelsestyper), (select count(*) from paragraf_sagsbehandlere), 1)
               as vaerdier
),
ydelse_grupper as (
    select ydelser.*, grupper.nr as gruppe_nr
    from ydelse_numre as ydelser
    join ydelsesgrupper on {{ i_ydelsesgruppe('ydelser', 'ydelsesgrupper') }}
    join grupper on grupper.gruppe = ydelsesgrupper.gruppe
    union all
    select ydelser.*, grupper.nr
    from ydelse_numre as ydelser
    join grupper on grupper.gruppe = 'alle'
),
-- a breakdown's value and rank by its rule's number (a number compares faster than a text)
saet as (
    select ydelse_grupper.kommunekode, gruppe_opdelinger.gruppe, gruppe_opdelinger.gruppe_nr,
           gruppe_opdelinger.opdeling, gruppe_opdelinger.opdeling_nr,
           case gruppe_opdelinger.regel
               when 1 then 'total'
               when 2 then ydelse_grupper.paragraf
               when 3 then ydelse_grupper.ejerskab
               when 4 then ydelse_grupper.sagsbehandler_vaerdi
               when 5 then ydelse_grupper.paragraf_sagsbehandler_vaerdi
               when 6 then ydelse_grupper.maalgruppe
           end as opdeling_vaerdi,
           case gruppe_opdelinger.regel
               when 1 then 0
               when 2 then ydelse_grupper.paragraf_nr
               when 3 then ydelse_grupper.ejerskab_nr
               when 4 then ydelse_grupper.sagsbehandler_nr
               when 5 then ydelse_grupper.paragraf_sagsbehandler_nr
               when 6 then ydelse_grupper.maalgruppe_nr
           end as vaerdi_nr,
           ydelse_grupper.cpr, ydelse_grupper.foedselsdato, ydelse_grupper.startdato, ydelse_grupper.slutdato,
           ydelse_grupper.kendt_fra_taelling, ydelse_grupper.timer_pr_uge
    from ydelse_grupper
    join gruppe_opdelinger using (gruppe_nr)
    where gruppe_opdelinger.regel <> 5 or ydelse_grupper.sagsbehandler_id is not null
    union all
    select anbringelser.kommunekode, gruppe_opdelinger.gruppe, gruppe_opdelinger.gruppe_nr,
           gruppe_opdelinger.opdeling, gruppe_opdelinger.opdeling_nr,
           case gruppe_opdelinger.regel when 1 then 'total' else anbringelser.anbringelsestype end,
           case gruppe_opdelinger.regel when 1 then 0 else anbringelsestyper.nr end,
           anbringelser.cpr, anbringelser.foedselsdato, anbringelser.startdato, anbringelser.slutdato,
           {{ kendt_fra_taelling('anbringelser.oprettet_dato', 'anbringelser.startdato') }}, null
    from anbringelser
    join anbringelsestyper on anbringelsestyper.vaerdi is not distinct from anbringelser.anbringelsestype
    join gruppe_opdelinger on gruppe_opdelinger.gruppe = 'anbringelse'
)
select saet.kommunekode, saet.gruppe, saet.opdeling, saet.opdeling_vaerdi, saet.cpr, saet.foedselsdato,
       saet.startdato, saet.slutdato, saet.kendt_fra_taelling, saet.timer_pr_uge,
       ((saet.kommunekode::bigint * stoerrelser.grupper + saet.gruppe_nr) * stoerrelser.opdelinger
        + saet.opdeling_nr) * stoerrelser.vaerdier + saet.vaerdi_nr as saet_noegle
from saet
cross join stoerrelser
