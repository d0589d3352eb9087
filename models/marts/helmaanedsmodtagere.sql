-- One row is: a municipality, group and month of the reporting window with its helmaanedsmodtagere:
-- (person, day) pairs in the month / days of the month, as known at the build's status date. The
-- status date's own month counts its days up to the status date only.
-- As in int_helaarsmodtagere, each period is two changes of the number of persons (+1 on its first
-- day, -1 the day after its last); a month's (person, day) pairs are the persons at its start times
-- its days, plus each change within it times the days from the change to the month's end.
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
modtagerperioder as (
    {{ perioder_med_saet() }}
),
givet as (
    select status_date from statusdatoer where er_givet
),
maaneder as (
    select status_date as maaned_slut, date_trunc('month', status_date)::date as maaned_start,
           date_diff('day', date_trunc('month', status_date)::date, status_date) + 1 as dage
    from statusdatoer
),
perioder as (
    select modtagerperioder.* from modtagerperioder cross join givet
    where modtagerperioder.opdeling = 'total' and modtagerperioder.gruppe <> 'alle'
      and {{ kendt_version('modtagerperioder', 'givet.status_date') }}
),
aendringer as (
    select kommunekode, gruppe, fra as dag, 1 as aendring from perioder
    union all
    select kommunekode, gruppe, til + 1, -1 from perioder
),
-- The changes of each month (one after the window's last day counts nowhere).
pr_maaned as (
    select aendringer.kommunekode, aendringer.gruppe, maaned.maaned_start,
           sum(aendringer.aendring)::bigint as aendring,
           sum(aendringer.aendring * (maaned.maaned_slut - aendringer.dag + 1))::bigint as aendring_dage
    from aendringer
    join maaneder as maaned on maaned.maaned_start = date_trunc('month', aendringer.dag)::date
    where aendringer.dag <= maaned.maaned_slut
    group by all
),
-- A month holds when a period overlaps it: (person, day) pairs > 0.
taelling as (
    select pr_maaned.kommunekode, pr_maaned.gruppe, maaned.maaned_start as maaned, maaned.dage,
           (coalesce(sum(pr_maaned.aendring) filter (where pr_maaned.maaned_start < maaned.maaned_start), 0)
                * maaned.dage
            + coalesce(sum(pr_maaned.aendring_dage) filter (where pr_maaned.maaned_start = maaned.maaned_start), 0)
           )::hugeint as persondage
    from pr_maaned
    join maaneder as maaned on pr_maaned.maaned_start <= maaned.maaned_start
    group by pr_maaned.kommunekode, pr_maaned.gruppe, maaned.maaned_start, maaned.dage
)
select kommunekode, gruppe, maaned, persondage, dage, persondage / dage as helmaanedsmodtagere
from taelling
where persondage > 0
order by kommunekode, gruppe, maaned
