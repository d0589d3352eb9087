-- One row is: a counting set (a group and one of its breakdowns' values, in a municipality) with
-- a number, so that periods and counts can key on one integer instead of four texts.
with bevilling_grupper as (
    select * from {{ ref('int_bevilling_grupper') }}
)
select row_number() over (order by kommunekode, gruppe, opdeling, opdeling_vaerdi) as saet_id, *
from (select distinct kommunekode, gruppe, opdeling, opdeling_vaerdi from bevilling_grupper)
