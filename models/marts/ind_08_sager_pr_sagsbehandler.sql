-- One row is: indicator 08, Antal sager pr. sagsbehandler, for a municipality, status date and
-- breakdown: (caseworker, person) pairs with an active service on s, per caseworker with at least one.
-- A person's services with no caseworker make one pair of the total's numerator (indicators.md: they
-- count in every total) but no caseworker of the denominator and no row of their own.
WITH pr_sagsbehandler AS (
    SELECT kommunekode, status_date, opdeling_vaerdi AS sagsbehandler_id, punkttaelling AS personer
    FROM {{ ref('int_helaarsmodtagere') }}
    WHERE gruppe = 'alle' AND opdeling = 'sagsbehandler' AND punkttaelling > 0
),
total AS (
    SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
           coalesce(sum(p.personer), 0)::DOUBLE AS taeller,
           count(p.sagsbehandler_id) FILTER (WHERE p.sagsbehandler_id <> '')::DOUBLE AS naevner
    FROM ({{ indikator_skelet([('total', 'total')]) }}) s
    LEFT JOIN pr_sagsbehandler p USING (kommunekode, status_date)
    GROUP BY ALL
)
SELECT *, {{ kvotient('taeller', 'naevner') }} AS vaerdi FROM total
UNION ALL
SELECT kommunekode, status_date, 'sagsbehandler', sagsbehandler_id, personer::DOUBLE, NULL, personer::DOUBLE
FROM pr_sagsbehandler
WHERE sagsbehandler_id <> ''
