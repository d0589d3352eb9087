-- One row is: a municipality and group, for a sample of persons (var exposure_check_persons):
-- (person, day) pairs in J..s at the build's status date counted two ways, day by day from the
-- services and from the merged periods the indicators use. They must agree (an expectation).
WITH givet AS (
    SELECT status_date, periode_start FROM {{ ref('int_statusdatoer') }} WHERE er_givet
),
daglig AS (
    SELECT kommunekode, gruppe, count(*) AS persondage
    FROM ({{ daglig_eksponering(stikproeve=var('exposure_check_persons')) }}) d, givet
    WHERE d.dag >= givet.periode_start
    GROUP BY ALL
),
perioder AS (
    SELECT p.kommunekode, p.gruppe,
           sum({{ overlap_dage('p.fra', 'p.til', 'givet.periode_start', 'givet.status_date') }}) AS persondage
    FROM {{ ref('int_modtagerperioder') }} p, givet
    WHERE p.opdeling = 'total'
      AND {{ kendt_version('p', 'givet.status_date') }}
      AND {{ i_stikproeve('p.cpr', var('exposure_check_persons')) }}
    GROUP BY ALL
)
SELECT kommunekode, gruppe,
       coalesce(daglig.persondage, 0) AS persondage_daglig,
       coalesce(perioder.persondage, 0) AS persondage_perioder
FROM daglig FULL JOIN perioder USING (kommunekode, gruppe)
