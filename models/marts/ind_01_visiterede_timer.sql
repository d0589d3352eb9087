-- One row is: indicator 01, Gennemsnitligt antal visiterede timer pr. bruger, for a municipality, status
-- date and breakdown: granted hours per week over J..s / D(s), per helaarsmodtager of the timer group.
WITH timer AS (
    SELECT kommunekode, status_date, 'paragraf' AS opdeling, paragraf AS opdeling_vaerdi, timedage
    FROM {{ ref('int_visiterede_timer') }}
    UNION ALL
    SELECT kommunekode, status_date, 'total', 'total', sum(timedage) FROM {{ ref('int_visiterede_timer') }} GROUP BY ALL
),
maal AS (
    SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
           coalesce(t.timedage, 0) / sd.dage AS taeller,
           coalesce(h.helaarsmodtagere, 0) AS naevner
    FROM ({{ indikator_skelet([('total', 'total'), ('paragraf', '83'), ('paragraf', '85'), ('paragraf', '95'), ('paragraf', '96'),
                               ('paragraf', '97'), ('paragraf', '98'), ('paragraf', '99')]) }}) s
    JOIN {{ ref('int_statusdatoer') }} sd USING (status_date)
    LEFT JOIN timer t USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
    LEFT JOIN {{ ref('int_helaarsmodtagere') }} h
      ON h.kommunekode = s.kommunekode AND h.status_date = s.status_date AND h.gruppe = 'timer'
     AND h.opdeling = s.opdeling AND h.opdeling_vaerdi = s.opdeling_vaerdi
)
SELECT *, {{ kvotient('taeller', 'naevner') }} AS vaerdi FROM maal
