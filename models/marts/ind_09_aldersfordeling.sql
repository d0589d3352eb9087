-- One row is: indicator 09, Aldersfordeling af modtagere, for a municipality, status date and breakdown:
-- persons with any active service on s by age group (age on s); and the same for botilbud, dagtilbud
-- and hjaelperordning as breakdowns aldersgruppe:<gruppe>.
WITH optalt AS (
    SELECT kommunekode, status_date,
           CASE gruppe WHEN 'alle' THEN 'aldersgruppe' ELSE 'aldersgruppe:' || gruppe END AS opdeling,
           aldersgruppe AS opdeling_vaerdi, personer AS antal
    FROM {{ ref('int_modtagere_efter_alder') }}
    UNION ALL
    SELECT kommunekode, status_date, 'total', 'total', punkttaelling
    FROM {{ ref('int_helaarsmodtagere') }}
    WHERE opdeling = 'total' AND gruppe = 'alle'
),
skelet AS (
    SELECT kommunekode, status_date, 'total' AS opdeling, 'total' AS opdeling_vaerdi
    FROM ({{ indikator_skelet([('total', 'total')]) }})
    UNION ALL
    SELECT k.kommunekode, k.status_date, o.opdeling, a.aldersgruppe
    FROM ({{ indikator_skelet([('total', 'total')]) }}) k
    CROSS JOIN (VALUES ('aldersgruppe'), ('aldersgruppe:botilbud'), ('aldersgruppe:dagtilbud'), ('aldersgruppe:hjaelperordning')) AS o(opdeling)
    CROSS JOIN {{ ref('aldersgrupper') }} a
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(sum(o.antal), 0)::DOUBLE AS taeller, NULL::DOUBLE AS naevner, coalesce(sum(o.antal), 0)::DOUBLE AS vaerdi
FROM skelet s
LEFT JOIN optalt o USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
GROUP BY ALL
