-- One row is: indicator 06, Antal refusionsberettigede sager, for a municipality, status date and
-- breakdown: persons under 67 on s whose disposed expenses for the year (ydelser and one-off grants)
-- exceed the year's first refusion threshold (SEL § 176), by refusion rate; and every person with
-- expenses > 0 by expense interval. Years without thresholds in the seed give no rows.
{%- set med_graenser = "aar IN (SELECT aar::INTEGER FROM " ~ ref('refusionsgraenser') ~ ")" %}
WITH ydelser AS (
    {{ disponeret_pr_statusdato(['cpr', 'foedselsdato'], med_graenser) }}
),
udgifter AS (
    SELECT kommunekode, status_date, cpr, any_value(foedselsdato) AS foedselsdato, sum(udgift) AS udgift
    FROM (
        SELECT kommunekode, status_date, cpr, foedselsdato, udgift FROM ydelser
        UNION ALL
        SELECT kommunekode, status_date, cpr, foedselsdato, udgift FROM {{ ref('int_engangsudgifter') }}
        WHERE year(status_date) IN (SELECT aar::INTEGER FROM {{ ref('refusionsgraenser') }})
    )
    GROUP BY ALL
),
personer AS (
    -- Thresholds are compared in whole oere: a sum of float terms must not 'exceed' by 1e-10.
    SELECT u.kommunekode, u.status_date, round(u.udgift, 2) AS udgift,
           {{ alder('u.foedselsdato', 'u.status_date') }} < 67 AS under_67,
           g.graense_25::DOUBLE AS graense_25, g.graense_50::DOUBLE AS graense_50, g.graense_75::DOUBLE AS graense_75
    FROM udgifter u
    JOIN {{ ref('refusionsgraenser') }} g ON g.aar::INTEGER = year(u.status_date)
    WHERE u.udgift > 0
),
klassificeret AS (
    SELECT kommunekode, status_date,
           CASE WHEN NOT under_67 OR udgift <= graense_25 THEN NULL
                WHEN udgift <= graense_50 THEN '25'
                WHEN graense_75 IS NULL OR udgift <= graense_75 THEN '50'
                ELSE '75' END AS refusionssats,
           CASE WHEN udgift < 250000 THEN '0-250000'
                WHEN udgift < 500000 THEN '250000-500000'
                WHEN udgift < 1000000 THEN '500000-1000000'
                WHEN udgift < 2000000 THEN '1000000-2000000'
                ELSE '2000000+' END AS udgiftsinterval
    FROM personer
),
optalt AS (
    SELECT kommunekode, status_date, 'refusionssats' AS opdeling, refusionssats AS opdeling_vaerdi, count(*) AS antal
    FROM klassificeret WHERE refusionssats IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT kommunekode, status_date, 'total', 'total', count(*) FROM klassificeret WHERE refusionssats IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT kommunekode, status_date, 'udgiftsinterval', udgiftsinterval, count(*) FROM klassificeret GROUP BY ALL
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(o.antal, 0)::DOUBLE AS taeller, NULL::DOUBLE AS naevner, coalesce(o.antal, 0)::DOUBLE AS vaerdi
FROM ({{ indikator_skelet([('total', 'total'), ('refusionssats', '25'), ('refusionssats', '50'), ('refusionssats', '75'),
                           ('udgiftsinterval', '0-250000'), ('udgiftsinterval', '250000-500000'),
                           ('udgiftsinterval', '500000-1000000'), ('udgiftsinterval', '1000000-2000000'),
                           ('udgiftsinterval', '2000000+')]) }}) s
JOIN {{ ref('refusionsgraenser') }} g ON g.aar::INTEGER = year(s.status_date)
LEFT JOIN optalt o USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
