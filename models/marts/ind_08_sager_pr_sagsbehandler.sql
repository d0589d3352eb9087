-- One row is: indicator 08, Antal sager pr. sagsbehandler, for a municipality, status date and
-- breakdown: (caseworker, person) pairs with an active service on s, per caseworker with at least one.
-- A mean caseload: a service with no caseworker is nobody's caseload, so it counts in neither the
-- numerator nor the denominator (indicators.md); how many persons have one is the model's warning.
with helaarsmodtagere as (
    select * from {{ ref('int_helaarsmodtagere') }}
),
pr_sagsbehandler as (
    select kommunekode, status_date, opdeling_vaerdi as sagsbehandler_id, punkttaelling as personer
    from helaarsmodtagere
    where gruppe = 'alle' and opdeling = 'sagsbehandler' and punkttaelling > 0
      and opdeling_vaerdi <> ''  -- '' holds the services with no caseworker (int_bevilling_grupper)
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
