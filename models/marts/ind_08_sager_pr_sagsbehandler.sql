-- One row is: indicator 08, Antal sager pr. sagsbehandler, for a municipality, status date and
-- breakdown: (caseworker, person) pairs with an active service on s, per caseworker with at least one;
-- the same mean per team (the caseworker's team in sagsbehandlere, trimmed; ukendt without one); and
-- each caseworker's persons with an active service of one paragraph (paragraf:sagsbehandler, '107:S12').
-- A mean caseload: a service with no caseworker is nobody's caseload, so it counts in neither the
-- numerator nor the denominator (indicators.md); how many persons have one is the model's warning.
with sagsbehandlere as (
    select * from {{ ref('stg_sagsbehandlere') }}
),
-- Each caseworker's persons, and each caseworker's persons of one paragraph: the published rows of
-- both breakdowns as they are, counted here from the periods (int_helaarsmodtagere leaves the
-- caseworkers' sets to 08, their only reader). '' holds the services with no caseworker
-- (int_bevilling_grupper), in neither.
pr_sagsbehandler as materialized (
    select kommunekode, status_date, opdeling, opdeling_vaerdi, punkttaelling as personer
    from ({{ helaarsmodtagere(sagsbehandlersaet=true) }})
    where punkttaelling > 0
),
pr_team as (
    select pr_sagsbehandler.kommunekode, pr_sagsbehandler.status_date,
           coalesce(nullif(trim(sagsbehandlere.team), ''), 'ukendt') as team,
           sum(pr_sagsbehandler.personer) as personer,
           count(*) as sagsbehandlere
    from pr_sagsbehandler
    left join sagsbehandlere on sagsbehandlere.sagsbehandler_id = pr_sagsbehandler.opdeling_vaerdi
    where pr_sagsbehandler.opdeling = 'sagsbehandler'
    group by all
),
-- Every caseworker is in one team (sagsbehandler_id is unique in staging), so the teams add up to
-- the municipality's caseworkers.
total as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(sum(pr_team.personer), 0)::double as taeller,
           coalesce(sum(pr_team.sagsbehandlere), 0)::double as naevner
    from ({{ indikator_skelet([('total', 'total')]) }}) as skelet
    left join pr_team using (kommunekode, status_date)
    group by all
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from total
union all
select kommunekode, status_date, 'team', team, personer::double, sagsbehandlere::double,
       {{ kvotient('personer::double', 'sagsbehandlere::double') }}
from pr_team
union all
select kommunekode, status_date, opdeling, opdeling_vaerdi, personer::double, null, personer::double
from pr_sagsbehandler
