-- One row is: indicator 01, Gennemsnitligt antal visiterede timer pr. bruger, for a municipality, status
-- date and breakdown: granted hours per week over J..s / D(s), per helaarsmodtager of the timer group.
with visiterede_timer as (
    select * from {{ ref('int_visiterede_timer') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
helaarsmodtagere as (
    select * from {{ ref('int_helaarsmodtagere') }}
),
timer as (
    select kommunekode, status_date, 'paragraf' as opdeling, paragraf as opdeling_vaerdi, timedage
    from visiterede_timer
    union all
    select kommunekode, status_date, 'total', 'total', sum(timedage) from visiterede_timer group by all
),
maal as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(timer.timedage, 0) / statusdatoer.dage as taeller,
           coalesce(helaarsmodtagere.helaarsmodtagere, 0) as naevner
    from ({{ indikator_skelet([('total', 'total'), ('paragraf', '83'), ('paragraf', '85'), ('paragraf', '95'), ('paragraf', '96'),
                               ('paragraf', '97'), ('paragraf', '98'), ('paragraf', '99')]) }}) as skelet
    join statusdatoer using (status_date)
    left join timer using (kommunekode, status_date, opdeling, opdeling_vaerdi)
    left join helaarsmodtagere
      on helaarsmodtagere.kommunekode = skelet.kommunekode and helaarsmodtagere.status_date = skelet.status_date
     and helaarsmodtagere.gruppe = 'timer'
     and helaarsmodtagere.opdeling = skelet.opdeling and helaarsmodtagere.opdeling_vaerdi = skelet.opdeling_vaerdi
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from maal
