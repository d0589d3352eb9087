-- One row is: a municipality, group and month of the reporting window with its helmaanedsmodtagere:
-- (person, day) pairs in the month / days of the month, as known at the build's status date. The
-- status date's own month counts its days up to the status date only.
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
modtagerperioder as (
    select * from {{ ref('int_modtagerperioder') }}
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
)
select
    periode.kommunekode,
    periode.gruppe,
    maaned.maaned_start as maaned,
    sum({{ overlap_dage('periode.fra', 'periode.til', 'maaned.maaned_start', 'maaned.maaned_slut') }}) as persondage,
    any_value(maaned.dage) as dage,
    sum({{ overlap_dage('periode.fra', 'periode.til', 'maaned.maaned_start', 'maaned.maaned_slut') }})
        / any_value(maaned.dage) as helmaanedsmodtagere
from perioder as periode
join maaneder as maaned on periode.fra <= maaned.maaned_slut and periode.til >= maaned.maaned_start
group by all
order by periode.kommunekode, periode.gruppe, maaned
