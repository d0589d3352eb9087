-- One row is: indicator 11, Disponerede udgifter som andel af budget, for a municipality, status date and
-- breakdown: disposed expenses of all ydelser and one-off grants over the year's budget, per budget area.
WITH udgifter AS (
    SELECT kommunekode, status_date, omraade, udgift FROM ({{ disponeret_pr_statusdato(['omraade']) }})
    UNION ALL
    SELECT e.kommunekode, e.status_date, p.omraade, e.udgift
    FROM {{ ref('int_engangsudgifter') }} e JOIN {{ ref('paragraffer') }} p USING (paragraf)
),
pr_omraade AS (
    SELECT kommunekode, status_date, 'omraade' AS opdeling, omraade AS opdeling_vaerdi, sum(udgift) AS udgift
    FROM udgifter GROUP BY ALL
    UNION ALL
    SELECT kommunekode, status_date, 'total', 'total', sum(udgift) FROM udgifter GROUP BY ALL
),
budget AS (
    SELECT kommunekode, aar, 'omraade' AS opdeling, omraade AS opdeling_vaerdi, sum(beloeb) AS beloeb
    FROM {{ ref('stg_budget') }} GROUP BY ALL
    UNION ALL
    SELECT kommunekode, aar, 'total', 'total', sum(beloeb) FROM {{ ref('stg_budget') }} GROUP BY ALL
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(u.udgift, 0) AS taeller, coalesce(b.beloeb, 0) AS naevner,
       {{ kvotient('coalesce(u.udgift, 0)', 'b.beloeb') }} AS vaerdi
FROM ({{ indikator_skelet([('total', 'total'), ('omraade', 'botilbud'), ('omraade', 'dagtilbud'), ('omraade', 'hjaelperordning'),
                           ('omraade', 'stoette_i_eget_hjem'), ('omraade', 'merudgift_hjaelpemidler')]) }}) s
LEFT JOIN pr_omraade u USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
LEFT JOIN budget b ON b.kommunekode = s.kommunekode AND b.aar = year(s.status_date)
                  AND b.opdeling = s.opdeling AND b.opdeling_vaerdi = s.opdeling_vaerdi
