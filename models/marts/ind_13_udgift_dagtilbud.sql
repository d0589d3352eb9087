-- One row is: indicator 13, Disponerede udgifter pr. bruger i dagforanstaltning, for a municipality,
-- status date and breakdown: DISP(dagtilbud, s) / APT(dagtilbud, s), the mean of the monthly point
-- counts of the status date's year up to s.
WITH udgift AS ({{ disponeret_gruppe('dagtilbud') }}),
punkter AS (
    SELECT status_date, count(*) AS antal_punkter FROM {{ ref('int_statuspunkter') }} GROUP BY ALL
),
apt AS (
    SELECT t.kommunekode, t.status_date, t.opdeling, t.opdeling_vaerdi, sum(t.personer) / any_value(p.antal_punkter) AS apt
    FROM {{ ref('int_punkttaellinger_dagtilbud') }} t JOIN punkter p USING (status_date)
    GROUP BY ALL
)
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(u.udgift, 0) AS taeller, coalesce(a.apt, 0)::DOUBLE AS naevner,
       {{ kvotient('coalesce(u.udgift, 0)', 'a.apt') }} AS vaerdi
FROM ({{ indikator_skelet([('total', 'total'), ('paragraf', '103'), ('paragraf', '104')]) }}) s
LEFT JOIN udgift u USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
LEFT JOIN apt a USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
