-- One row is: an age in whole years with its age band from seed aldersgrupper, so that counts join
-- ages by equality rather than by range. The last band is open (no til_alder): it runs to the oldest
-- age anyone can have on this build's status dates, someone born 1 January 1858, the earliest birth
-- date the CPR number's century rule gives.
with aldersgrupper as (
    select * from {{ ref('aldersgrupper') }}
)
select alder.alder, aldersgrupper.aldersgruppe
from aldersgrupper
cross join range(
    aldersgrupper.fra_alder::integer,
    coalesce(aldersgrupper.til_alder::integer, year(date '{{ var("as_of") }}') - 1858) + 1
) as alder(alder)
