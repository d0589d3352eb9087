-- One row is: a municipality, status date, group (alle = any ydelse; botilbud, dagtilbud,
-- hjaelperordning) and age band (age on the status date) with the persons receiving a service
-- of the group on the status date: the terms of indicator 09.
with modtagerperioder as (
    select * from {{ ref('int_modtagerperioder') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
aldre as (
    select * from {{ ref('int_aldre') }}
)
select
    modtagerperioder.kommunekode,
    statusdatoer.status_date,
    modtagerperioder.gruppe,
    aldre.aldersgruppe,
    count(*) as personer
from modtagerperioder
join statusdatoer
  on {{ kendt_version('modtagerperioder', 'statusdatoer.status_date') }}
 and statusdatoer.status_date between modtagerperioder.fra and modtagerperioder.til
join aldre
  on aldre.alder = {{ alder('modtagerperioder.foedselsdato', 'statusdatoer.status_date') }}
where modtagerperioder.opdeling = 'total'
  and modtagerperioder.gruppe in ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
group by all
