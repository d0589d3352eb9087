-- One row is: indicator 05, Antal brugere der modtager omfattende stoetteforanstaltninger, for a
-- municipality, status date and breakdown: the totals of 02 + 03 + 04, and each paragraph's and each
-- target group's value from them.
with botilbud as (
    select * from {{ ref('ind_02_botilbud') }}
),
dagtilbud as (
    select * from {{ ref('ind_03_dagtilbud') }}
),
hjaelperordning as (
    select * from {{ ref('ind_04_hjaelperordning') }}
),
dele as (
    select '02' as del, * from botilbud
    union all select '03', * from dagtilbud
    union all select '04', * from hjaelperordning
)
-- Summed in a fixed order: a float sum in whatever order the threads meet could differ in its last bit.
select kommunekode, status_date, opdeling, opdeling_vaerdi,
       sum(taeller order by del) as taeller, null::double as naevner, sum(taeller order by del) as vaerdi
from dele
where opdeling <> 'pr_1000_18_64'
group by kommunekode, status_date, opdeling, opdeling_vaerdi
union all {{ pr_1000_18_64('select * from dele', 'sum(taeller order by del)') }}
