-- One row is: indicator 06, Antal refusionsberettigede sager, for a municipality, status date and
-- breakdown: persons under 67 on s whose disposed expenses for the year (ydelser and one-off grants)
-- exceed the year's first refusion threshold (SEL § 176), by refusion rate; and every person with
-- expenses > 0 by expense interval. Years without thresholds in the seed give no rows.
{%- set med_graenser = "aar IN (SELECT aar::INTEGER FROM " ~ ref('refusionsgraenser') ~ ")" %}
WITH ydelser AS (
    {{ disponeret_pr_statusdato(['cpr', 'foedselsdato'], med_graenser) }}
),
engang AS (
    SELECT kommunekode, status_date, cpr, any_value(foedselsdato) AS foedselsdato, sum(udgift) AS udgift
    FROM {{ ref('int_engangsudgifter') }}
    WHERE year(status_date) IN (SELECT aar::INTEGER FROM {{ ref('refusionsgraenser') }})
    GROUP BY ALL
),
personer AS (
    SELECT kommunekode, status_date, coalesce(y.foedselsdato, e.foedselsdato) AS foedselsdato,
           coalesce(y.udgift, 0) + coalesce(e.udgift, 0) AS udgift
    FROM ydelser y FULL JOIN engang e USING (kommunekode, status_date, cpr)
),
klassificeret AS (
    -- Thresholds are compared in whole oere: a sum of float terms must not 'exceed' by 1e-10.
    SELECT p.kommunekode, p.status_date,
           CASE WHEN {{ alder('p.foedselsdato', 'p.status_date') }} >= 67 OR round(p.udgift, 2) <= g.graense_25::DOUBLE THEN NULL
                WHEN round(p.udgift, 2) <= g.graense_50::DOUBLE THEN '25'
                WHEN g.graense_75 IS NULL OR round(p.udgift, 2) <= g.graense_75::DOUBLE THEN '50'
                ELSE '75' END AS refusionssats,
           CASE WHEN round(p.udgift, 2) < 250000 THEN '0-250000'
                WHEN round(p.udgift, 2) < 500000 THEN '250000-500000'
                WHEN round(p.udgift, 2) < 1000000 THEN '500000-1000000'
                WHEN round(p.udgift, 2) < 2000000 THEN '1000000-2000000'
                ELSE '2000000+' END AS udgiftsinterval
    FROM personer p
    JOIN {{ ref('refusionsgraenser') }} g ON g.aar::INTEGER = year(p.status_date)
    WHERE p.udgift > 0
),
-- One pass over the persons; the breakdowns are sums of this small table.
klasser AS (
    SELECT kommunekode, status_date, refusionssats, udgiftsinterval, count(*) AS antal
    FROM klassificeret GROUP BY ALL
),
optalt AS (
    SELECT kommunekode, status_date, 'refusionssats' AS opdeling, refusionssats AS opdeling_vaerdi, sum(antal) AS antal
    FROM klasser WHERE refusionssats IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT kommunekode, status_date, 'total', 'total', sum(antal) FROM klasser WHERE refusionssats IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT kommunekode, status_date, 'udgiftsinterval', udgiftsinterval, sum(antal) FROM klasser GROUP BY ALL
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(o.antal, 0)::DOUBLE AS taeller, NULL::DOUBLE AS naevner, coalesce(o.antal, 0)::DOUBLE AS vaerdi
FROM ({{ indikator_skelet([('total', 'total'), ('refusionssats', '25'), ('refusionssats', '50'), ('refusionssats', '75'),
                           ('udgiftsinterval', '0-250000'), ('udgiftsinterval', '250000-500000'),
                           ('udgiftsinterval', '500000-1000000'), ('udgiftsinterval', '1000000-2000000'),
                           ('udgiftsinterval', '2000000+')]) }}) s
JOIN {{ ref('refusionsgraenser') }} g ON g.aar::INTEGER = year(s.status_date)
LEFT JOIN optalt o USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
