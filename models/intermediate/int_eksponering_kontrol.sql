-- One row is: a municipality and group, for a sample of persons (var exposure_check_persons):
-- (person, day) pairs in J..s at the build's status date counted two ways, day by day from the
-- services and from the merged periods the indicators use. They must agree (an expectation).
with givet as (
    select status_date, periode_start from {{ ref('int_statusdatoer') }} where er_givet
),
daglig as (
    select kommunekode, gruppe, count(*) as persondage
    from ({{ daglig_eksponering(stikproeve=var('exposure_check_persons')) }}) d cross join givet
    where d.dag >= givet.periode_start
    group by all
),
perioder as (
    select p.kommunekode, p.gruppe,
           sum({{ overlap_dage('p.fra', 'p.til', 'givet.periode_start', 'givet.status_date') }}) as persondage
    from {{ ref('int_modtagerperioder') }} p cross join givet
    where p.opdeling = 'total'
      and {{ kendt_version('p', 'givet.status_date') }}
      and {{ i_stikproeve('p.cpr', var('exposure_check_persons')) }}
    group by all
)
select kommunekode, gruppe,
       coalesce(daglig.persondage, 0) as persondage_daglig,
       coalesce(perioder.persondage, 0) as persondage_perioder
from daglig full join perioder using (kommunekode, gruppe)
