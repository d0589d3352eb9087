-- One row is: a municipality and group, for a sample of persons (var exposure_check_persons):
-- (person, day) pairs in J..s at the build's status date counted two ways, day by day from the
-- services and from the merged periods the indicators use. They must agree (an expectation).
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
modtagerperioder as (
    {{ perioder_med_saet() }}
),
givet as (
    select status_date, periode_start from statusdatoer where er_givet
),
-- The sample's divisor, counted once for both routes.
stikproeve as materialized (
    {{ stikproeve_deler(var('exposure_check_persons')) }}
),
daglig as (
    select kommunekode, gruppe, count(*) as persondage
    from ({{ daglig_eksponering(stikproeve='select deler from stikproeve', givet_aar=true, til_optaelling=true) }}) as dage
    group by all
),
perioder as (
    select periode.kommunekode, periode.gruppe,
           sum({{ overlap_dage('periode.fra', 'periode.til', 'givet.periode_start', 'givet.status_date') }}) as persondage
    from (select * from modtagerperioder
          where opdeling = 'total' and {{ i_stikproeve('cpr_nr', 'select deler from stikproeve') }}) as periode
    cross join givet
    where {{ kendt_version('periode', 'givet.status_date') }}
    group by all
)
select kommunekode, gruppe,
       coalesce(daglig.persondage, 0) as persondage_daglig,
       coalesce(perioder.persondage, 0) as persondage_perioder
from daglig full join perioder using (kommunekode, gruppe)
