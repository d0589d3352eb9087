-- One row is: a municipality, status date, group (alle = any ydelse; botilbud, dagtilbud,
-- hjaelperordning) and age band (age on the status date) with the persons receiving a service
-- of the group on the status date: the terms of indicator 09.
-- Counted per set number, status date and numbered age band, all integers (an age is a difference
-- of dates as numbers yyyymmdd, macro alder); the texts of the sets and bands are joined to the
-- counts.
with modtagerperioder as (
    {{ perioder_med_saet() }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
aldre as (
    select * from {{ ref('int_aldre') }}
),
taellesaet as (
    select * from {{ ref('int_taellesaet') }}
),
-- Each period's status dates by their month's number (maaned_nr; a month's status date is its last
-- day, or the given date in its month): from the first on or after its first day, and its
-- version's first, up to the last on or before its last day (cut at the given date), before its
-- version's last. A range of numbers unnested, instead of a range join of periods and dates.
perioder as (
    select saet_id, {{ dato_tal('foedselsdato') }} as foedt,
           unnest(range(greatest({{ maaned_nr('fra') }}, {{ maaned_nr('kendt_fra') }}),
                        least({{ maaned_nr('til') }} + (til = least(last_day(til), date '{{ var("as_of") }}'))::int,
                              coalesce({{ maaned_nr('kendt_til') }}, 24)))) as nr
    from (select * replace (least(til, date '{{ var("as_of") }}') as til) from modtagerperioder)
    where opdeling = 'total'
      and gruppe in ('alle', 'botilbud', 'dagtilbud', 'hjaelperordning')
),
status_nr as (
    select {{ maaned_nr('status_date') }} as nr, status_date, {{ dato_tal('status_date') }} as dato
    from statusdatoer
),
-- the age bands numbered, so that the counts group on integers
baender as (
    select alder, dense_rank() over (order by aldersgruppe) as baand, aldersgruppe from aldre
),
optalt as (
    select perioder.saet_id, statusdatoer.status_date, baender.baand, count(*) as personer
    from perioder
    join status_nr as statusdatoer using (nr)
    join baender on baender.alder = (statusdatoer.dato - perioder.foedt) // 10000
    group by all
)
select taellesaet.kommunekode, optalt.status_date, taellesaet.gruppe, baand.aldersgruppe,
       sum(optalt.personer)::bigint as personer
from optalt
join taellesaet using (saet_id)
join (select distinct baand, aldersgruppe from baender) as baand using (baand)
group by all
