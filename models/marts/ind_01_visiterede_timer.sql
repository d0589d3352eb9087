-- One row is: indicator 01, Gennemsnitligt antal visiterede timer pr. bruger, for a municipality, status
-- date and breakdown: granted hours per week over J..s / D(s), per helaarsmodtager of the timer group.
with timer as (
    select kommunekode, status_date, 'paragraf' as opdeling, paragraf as opdeling_vaerdi, timedage
    from {{ ref('int_visiterede_timer') }}
    union all
    select kommunekode, status_date, 'total', 'total', sum(timedage) from {{ ref('int_visiterede_timer') }} group by all
),
maal as (
    select s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
           coalesce(t.timedage, 0) / sd.dage as taeller,
           coalesce(h.helaarsmodtagere, 0) as naevner
    from ({{ indikator_skelet([('total', 'total'), ('paragraf', '83'), ('paragraf', '85'), ('paragraf', '95'), ('paragraf', '96'),
                               ('paragraf', '97'), ('paragraf', '98'), ('paragraf', '99')]) }}) s
    join {{ ref('int_statusdatoer') }} sd using (status_date)
    left join timer t using (kommunekode, status_date, opdeling, opdeling_vaerdi)
    left join {{ ref('int_helaarsmodtagere') }} h
      on h.kommunekode = s.kommunekode and h.status_date = s.status_date and h.gruppe = 'timer'
     and h.opdeling = s.opdeling and h.opdeling_vaerdi = s.opdeling_vaerdi
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from maal
