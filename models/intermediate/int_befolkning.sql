-- One row is: a municipality's population on 1 January of a year (befolkning, the parts of each age
-- summed): of all ages and of ages 18-64, the denominators of the per-capita rows of 02-05 and 11.
with befolkning as (
    select * from {{ ref('stg_befolkning') }}
)
select
    kommunekode,
    aar,
    sum(antal) as personer,
    coalesce(sum(antal) filter (where alder between 18 and 64), 0) as personer_18_64
from befolkning
group by kommunekode, aar
