-- One row is: a municipality, status date, group (alle = any ydelse; botilbud, dagtilbud,
-- hjaelperordning) and age band (age on the status date) with the persons receiving a service
-- of the group on the status date: the terms of indicator 09.
SELECT
    p.kommunekode,
    sd.status_date,
    p.gruppe,
    a.aldersgruppe,
    count(*) AS personer
FROM {{ ref('int_modtagerperioder') }} p
JOIN {{ ref('int_statusdatoer') }} sd
  ON {{ kendt_version('p', 'sd.status_date') }}
 AND sd.status_date BETWEEN p.fra AND p.til
JOIN {{ ref('int_aldre') }} a ON a.alder = {{ alder('p.foedselsdato', 'sd.status_date') }}
WHERE p.opdeling = 'total' AND p.gruppe IN ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
GROUP BY ALL
