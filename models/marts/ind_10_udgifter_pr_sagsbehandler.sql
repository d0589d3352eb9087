-- One row is: indicator 10, Udgifter pr. ydelse fordelt paa sagsbehandlere, for a municipality, status date
-- and breakdown: disposed expenses of the selected paragraphs (var paragraffer_ind_10) per person with such
-- a service costing > 0 in the year; services without a caseworker count in the total only.
WITH pr_person AS (
    {{ disponeret_pr_statusdato(['sagsbehandler_id', 'cpr'],
                                "paragraf IN ('" ~ var('paragraffer_ind_10') | join("', '") ~ "')") }}
),
total AS (
    SELECT kommunekode, status_date, sum(udgift) AS udgift, count(DISTINCT cpr) FILTER (WHERE udgift > 0) AS personer
    FROM (SELECT kommunekode, status_date, cpr, sum(udgift) AS udgift FROM pr_person GROUP BY ALL)
    GROUP BY ALL
),
pr_sagsbehandler AS (
    SELECT kommunekode, status_date, sagsbehandler_id, sum(udgift) AS udgift,
           count(*) FILTER (WHERE udgift > 0) AS personer
    FROM pr_person
    WHERE sagsbehandler_id IS NOT NULL
    GROUP BY ALL
    HAVING sum(udgift) > 0
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(t.udgift, 0) AS taeller, coalesce(t.personer, 0)::DOUBLE AS naevner,
       {{ kvotient('coalesce(t.udgift, 0)', 't.personer') }} AS vaerdi
FROM ({{ indikator_skelet([('total', 'total')]) }}) s
LEFT JOIN total t USING (kommunekode, status_date)
UNION ALL
SELECT kommunekode, status_date, 'sagsbehandler', sagsbehandler_id, udgift, personer::DOUBLE,
       {{ kvotient('udgift', 'personer') }}
FROM pr_sagsbehandler
