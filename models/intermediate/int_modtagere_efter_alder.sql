-- One row is: a municipality, status date, group (alle = any ydelse; botilbud, dagtilbud,
-- hjaelperordning) and age band (age on the status date) with the persons receiving a service
-- of the group on the status date: the terms of indicator 09.
select
    p.kommunekode,
    sd.status_date,
    p.gruppe,
    a.aldersgruppe,
    count(*) as personer
from {{ ref('int_modtagerperioder') }} p
join {{ ref('int_statusdatoer') }} sd
  on {{ kendt_version('p', 'sd.status_date') }}
 and sd.status_date between p.fra and p.til
join {{ ref('int_aldre') }} a on a.alder = {{ alder('p.foedselsdato', 'sd.status_date') }}
where p.opdeling = 'total' and p.gruppe in ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
group by all
