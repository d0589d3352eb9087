-- One row is: indicator 15, Disponerede udgifter pr. modtager til merudgiftsydelser og hjaelpemidler, for a
-- municipality, status date and breakdown: 100 = DISP(merudgift, s) / PT(merudgift, s); 112_114 = one-off
-- grants dated J..s / their persons; total = both summed / persons in either part.
WITH merudgift AS ({{ disponeret_gruppe('merudgift') }}),
paa_dagen AS (
    SELECT p.kommunekode, sd.status_date, p.cpr
    FROM {{ ref('int_modtagerperioder') }} p
    JOIN {{ ref('int_statusdatoer') }} sd
      ON {{ kendt_version('p', 'sd.status_date') }}
     AND sd.status_date BETWEEN p.fra AND p.til
    WHERE p.gruppe = 'merudgift' AND p.opdeling = 'total'
),
engang AS (
    SELECT kommunekode, status_date, sum(udgift) AS udgift, count(DISTINCT cpr) AS personer
    FROM {{ ref('int_engangsudgifter') }} GROUP BY ALL
),
begge AS (
    SELECT kommunekode, status_date, count(DISTINCT cpr) AS personer
    FROM (SELECT kommunekode, status_date, cpr FROM paa_dagen
          UNION ALL SELECT kommunekode, status_date, cpr FROM {{ ref('int_engangsudgifter') }})
    GROUP BY ALL
),
dele AS (
    SELECT s.kommunekode, s.status_date, 'paragraf' AS opdeling, '100' AS opdeling_vaerdi,
           coalesce(m.udgift, 0) AS taeller, coalesce(p.personer, 0)::DOUBLE AS naevner
    FROM ({{ indikator_skelet([('total', 'total')]) }}) s
    LEFT JOIN merudgift m ON m.kommunekode = s.kommunekode AND m.status_date = s.status_date AND m.opdeling = 'total'
    LEFT JOIN (SELECT kommunekode, status_date, count(*) AS personer FROM paa_dagen GROUP BY ALL) p
      ON p.kommunekode = s.kommunekode AND p.status_date = s.status_date
    UNION ALL
    SELECT s.kommunekode, s.status_date, 'paragraf', '112_114', coalesce(e.udgift, 0), coalesce(e.personer, 0)::DOUBLE
    FROM ({{ indikator_skelet([('total', 'total')]) }}) s
    LEFT JOIN engang e USING (kommunekode, status_date)
),
raekker AS (
    SELECT * FROM dele
    UNION ALL
    SELECT d.kommunekode, d.status_date, 'total', 'total', sum(d.taeller), coalesce(any_value(b.personer), 0)::DOUBLE
    FROM dele d LEFT JOIN begge b USING (kommunekode, status_date)
    GROUP BY ALL
)
SELECT *, {{ kvotient('taeller', 'naevner') }} AS vaerdi FROM raekker
