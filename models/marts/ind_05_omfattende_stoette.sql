-- One row is: indicator 05, Antal brugere der modtager omfattende stoetteforanstaltninger, for a
-- municipality, status date and breakdown: the totals of 02 + 03 + 04, and each paragraph's value from them.
WITH dele AS (
    SELECT * FROM {{ ref('ind_02_botilbud') }}
    UNION ALL SELECT * FROM {{ ref('ind_03_dagtilbud') }}
    UNION ALL SELECT * FROM {{ ref('ind_04_hjaelperordning') }}
)
SELECT kommunekode, status_date, opdeling, opdeling_vaerdi,
       sum(taeller) AS taeller, NULL::DOUBLE AS naevner, sum(taeller) AS vaerdi
FROM dele
GROUP BY ALL
