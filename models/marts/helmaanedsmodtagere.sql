-- One row is: a municipality, group and month of the reporting window with its helmaanedsmodtagere:
-- (person, day) pairs in the month / days of the month, as known at the build's status date. The
-- status date's own month counts its days up to the status date only.
with givet as (
    select status_date from {{ ref('int_statusdatoer') }} where er_givet
),
maaneder as (
    select sd.status_date as maaned_slut, date_trunc('month', sd.status_date)::date as maaned_start,
           date_diff('day', date_trunc('month', sd.status_date)::date, sd.status_date) + 1 as dage
    from {{ ref('int_statusdatoer') }} sd
),
perioder as (
    select p.* from {{ ref('int_modtagerperioder') }} p cross join givet
    where p.opdeling = 'total' and p.gruppe <> 'alle'
      and {{ kendt_version('p', 'givet.status_date') }}
)
select
    p.kommunekode,
    p.gruppe,
    m.maaned_start as maaned,
    sum({{ overlap_dage('p.fra', 'p.til', 'm.maaned_start', 'm.maaned_slut') }}) as persondage,
    any_value(m.dage) as dage,
    sum({{ overlap_dage('p.fra', 'p.til', 'm.maaned_start', 'm.maaned_slut') }}) / any_value(m.dage) as helmaanedsmodtagere
from perioder p
join maaneder m on p.fra <= m.maaned_slut and p.til >= m.maaned_start
group by all
order by p.kommunekode, p.gruppe, maaned
