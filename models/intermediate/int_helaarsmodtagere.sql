-- One row is: a municipality, status date and counting set (int_bevilling_grupper) with its
-- helaarsmodtagere HM = (person, day) pairs in J..s / D(s), and its punkttaelling on s.
SELECT
    kommunekode,
    status_date,
    gruppe,
    opdeling,
    opdeling_vaerdi,
    sum(persondage) AS persondage,
    sum(persondage) / any_value(dage) AS helaarsmodtagere,
    sum(personer_paa_dagen) AS punkttaelling
FROM {{ ref('int_modtagere_pr_statusdato') }}
GROUP BY ALL
