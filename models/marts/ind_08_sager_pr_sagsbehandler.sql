-- One row is: indicator 08, Antal sager pr. sagsbehandler, for a municipality, status date and
-- breakdown: (caseworker, person) pairs with an active service on s, per caseworker with at least one;
-- the same mean per team (the caseworker's team in sagsbehandlere, trimmed; ukendt without one); and
-- each caseworker's persons with an active service of one paragraph (paragraf:sagsbehandler, '107:S12').
-- A mean caseload: a service with no caseworker is nobody's caseload, so it counts in neither the
-- numerator nor the denominator (indicators.md); how many persons have one is the model's warning.
with helaarsmodtagere as (
    select * from {{ ref('int_helaarsmodtagere') }}
),
sagsbehandlere as (
    select * from {{ ref('stg_sagsbehandlere') }}
),
pr_sagsbehandler as (
    select kommunekode, status_date, opdeling_vaerdi as sagsbehandler_id, punkttaelling as personer
    from helaarsmodtagere
    where gruppe = 'alle' and opdeling = 'sagsbehandler' and punkttaelling > 0
      and opdeling_vaerdi <> ''  -- '' holds the services with no caseworker (int_bevilling_grupper)
),
pr_paragraf as (
    select kommunekode, status_date, opdeling_vaerdi, punkttaelling as personer
    from helaarsmodtagere
    where gruppe = 'alle' and opdeling = 'paragraf:sagsbehandler' and punkttaelling > 0
),
pr_team as (
    select pr_sagsbehandler.kommunekode, pr_sagsbehandler.status_date,
           coalesce(nullif(trim(sagsbehandlere.team), ''), 'ukendt') as team,
           sum(pr_sagsbehandler.personer)::double as taeller,
           count(*)::double as naevner
    from pr_sagsbehandler
    left join sagsbehandlere using (sagsbehandler_id)
    group by all
),
total as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(sum(pr_sagsbehandler.personer), 0)::double as taeller,
           count(pr_sagsbehandler.sagsbehandler_id)::double as naevner
    from ({{ indikator_skelet([('total', 'total')]) }}) as skelet
    left join pr_sagsbehandler using (kommunekode, status_date)
    group by all
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from total
union all
select kommunekode, status_date, 'sagsbehandler', sagsbehandler_id, personer::double, null, personer::double
from pr_sagsbehandler
union all
select kommunekode, status_date, 'team', team, taeller, naevner, {{ kvotient('taeller', 'naevner') }}
from pr_team
union all
select kommunekode, status_date, 'paragraf:sagsbehandler', opdeling_vaerdi, personer::double, null, personer::double
from pr_paragraf
