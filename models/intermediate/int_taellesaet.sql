-- One row is: a counting set (a group and one of its breakdowns' values, in a municipality) with
-- a number, so that periods and counts can key on one integer instead of four texts.
SELECT row_number() OVER (ORDER BY kommunekode, gruppe, opdeling, opdeling_vaerdi) AS saet_id, *
FROM (SELECT DISTINCT kommunekode, gruppe, opdeling, opdeling_vaerdi FROM {{ ref('int_bevilling_grupper') }})
