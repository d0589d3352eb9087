-- One row is: a municipality, group and month of the reporting window with its helmaanedsmodtagere:
-- (person, day) pairs in the month / days of the month, as known at the build's status date. The
-- status date's own month counts its days up to the status date only.
WITH givet AS (
    SELECT status_date FROM {{ ref('int_statusdatoer') }} WHERE er_givet
),
maaneder AS (
    SELECT sd.status_date AS maaned_slut, date_trunc('month', sd.status_date)::DATE AS maaned_start,
           date_diff('day', date_trunc('month', sd.status_date)::DATE, sd.status_date) + 1 AS dage
    FROM {{ ref('int_statusdatoer') }} sd
),
perioder AS (
    SELECT p.* FROM {{ ref('int_modtagerperioder') }} p, givet
    WHERE p.opdeling = 'total' AND p.gruppe <> 'alle'
      AND {{ kendt_version('p', 'givet.status_date') }}
)
SELECT
    p.kommunekode,
    p.gruppe,
    m.maaned_start AS maaned,
    sum({{ overlap_dage('p.fra', 'p.til', 'm.maaned_start', 'm.maaned_slut') }}) AS persondage,
    any_value(m.dage) AS dage,
    sum({{ overlap_dage('p.fra', 'p.til', 'm.maaned_start', 'm.maaned_slut') }}) / any_value(m.dage) AS helmaanedsmodtagere
FROM perioder p
JOIN maaneder m ON p.fra <= m.maaned_slut AND p.til >= m.maaned_start
GROUP BY ALL
ORDER BY p.kommunekode, p.gruppe, maaned
