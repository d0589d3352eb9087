-- One row is: a municipality, status date and counting set (int_taellesaet) other than a caseworker's,
-- with its helaarsmodtagere HM = (person, day) pairs in J..s / D(s), its punkttaelling PT on s, and the
-- mean of its monthly point counts APT (the last day of each earlier month of Y, and s); macros/
-- helaarsmodtagere.sql says how. The caseworkers' sets (08's caseloads) are left to 08, their only
-- reader, which counts them with the same macro: their millions of rows (wide breakdowns: 15 M of
-- 16 M) are not written here and copied there.
{{ helaarsmodtagere(sagsbehandlersaet=false) }}
