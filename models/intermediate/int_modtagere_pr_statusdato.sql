-- One row is: a municipality, status date, counting set and age group (age on the status date),
-- with the (person, day) pairs in J..s (for helaarsmodtagere) and the persons on s (punkttaelling).
SELECT
    p.kommunekode,
    sd.status_date,
    p.gruppe,
    p.opdeling,
    p.opdeling_vaerdi,
    ag.aldersgruppe,
    sum({{ overlap_dage('p.fra', 'p.til', 'sd.periode_start', 'sd.status_date') }}) AS persondage,
    count(*) FILTER (WHERE sd.status_date BETWEEN p.fra AND p.til) AS personer_paa_dagen,
    any_value(sd.dage) AS dage
FROM {{ ref('int_modtagerperioder') }} p
JOIN {{ ref('int_statusdatoer') }} sd
  ON p.kendt_fra <= sd.status_date AND (p.kendt_til IS NULL OR sd.status_date < p.kendt_til)
 AND p.fra <= sd.status_date AND p.til >= sd.periode_start
JOIN {{ ref('int_aldre') }} ag ON ag.alder = {{ alder('p.foedselsdato', 'sd.status_date') }}
GROUP BY ALL
