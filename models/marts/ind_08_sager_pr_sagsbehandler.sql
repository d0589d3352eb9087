-- One row is: indicator 08, Antal sager pr. sagsbehandler, for a municipality, status date and
-- breakdown: (caseworker, person) pairs with an active service on s, per caseworker with at least one.
-- A mean caseload: a service with no caseworker is nobody's caseload, so it counts in neither the
-- numerator nor the denominator (indicators.md); how many persons have one is the model's warning.
WITH pr_sagsbehandler AS (
    SELECT kommunekode, status_date, opdeling_vaerdi AS sagsbehandler_id, punkttaelling AS personer
    FROM {{ ref('int_helaarsmodtagere') }}
    WHERE gruppe = 'alle' AND opdeling = 'sagsbehandler' AND punkttaelling > 0
      AND opdeling_vaerdi <> ''  -- '' holds the services with no caseworker (int_bevilling_grupper)
),
total AS (
    SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
           coalesce(sum(p.personer), 0)::DOUBLE AS taeller,
           count(p.sagsbehandler_id)::DOUBLE AS naevner
    FROM ({{ indikator_skelet([('total', 'total')]) }}) s
    LEFT JOIN pr_sagsbehandler p USING (kommunekode, status_date)
    GROUP BY ALL
)
SELECT *, {{ kvotient('taeller', 'naevner') }} AS vaerdi FROM total
UNION ALL
SELECT kommunekode, status_date, 'sagsbehandler', sagsbehandler_id, personer::DOUBLE, NULL, personer::DOUBLE
FROM pr_sagsbehandler
