-- One row is: a counting set (a group and one of its breakdowns' values, in a municipality) with
-- a number, so that periods and counts can key on one integer instead of four texts.
-- Numbered in the order of the four texts, which saet_noegle keeps (see int_bevilling_grupper).
with bevilling_grupper as (
    select * from {{ ref('int_bevilling_grupper') }}
),
saet as (
    select saet_noegle, any_value(kommunekode) as kommunekode, any_value(gruppe) as gruppe,
           any_value(opdeling) as opdeling, any_value(opdeling_vaerdi) as opdeling_vaerdi
    from bevilling_grupper
    group by saet_noegle
)
select {{ saet_nummer('saet_noegle') }} as saet_id, kommunekode, gruppe, opdeling, opdeling_vaerdi
from saet
