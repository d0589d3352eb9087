-- One row is: indicator V1, Varighed af igangvaerende forloeb, for a municipality, status date and
-- breakdown: the spells (int_forloeb) of alle active on s, their lengths so far summed (s - first day
-- + 1, in days) over their number; per gruppe on that group's own spells, and per aldersgruppe (the
-- person's age on s) on the spells of alle.
with forloeb as (
    select * from {{ ref('int_forloeb') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
aldre as (
    select * from {{ ref('int_aldre') }}
),
aldersgrupper as (
    select * from {{ ref('aldersgrupper') }}
),
-- A person has at most one spell of a set active on s: one row per person and set.
aktive as (
    select forloeb.kommunekode, statusdatoer.status_date, forloeb.gruppe, forloeb.foedselsdato,
           date_diff('day', forloeb.fra, statusdatoer.status_date) + 1 as dage
    from forloeb
    join statusdatoer
      on {{ kendt_version('forloeb', 'statusdatoer.status_date') }}
     and statusdatoer.status_date between forloeb.fra and coalesce(forloeb.til, date '9999-12-31')
),
optalt as (
    select kommunekode, status_date,
           case gruppe when 'alle' then 'total' else 'gruppe' end as opdeling,
           case gruppe when 'alle' then 'total' else gruppe end as opdeling_vaerdi,
           sum(dage) as dage, count(*) as forloeb
    from aktive
    group by all
    union all
    select aktive.kommunekode, aktive.status_date, 'aldersgruppe', aldre.aldersgruppe,
           sum(aktive.dage), count(*)
    from aktive
    join aldre on aldre.alder = {{ alder('aktive.foedselsdato', 'aktive.status_date') }}
    where aktive.gruppe = 'alle'
    group by all
),
skelet as (
    {{ indikator_skelet([('total', 'total'), ('gruppe', 'botilbud'), ('gruppe', 'dagtilbud'), ('gruppe', 'hjaelperordning')]) }}
    union all
    select kommune.kommunekode, kommune.status_date, 'aldersgruppe', aldersgrupper.aldersgruppe
    from ({{ indikator_skelet([('total', 'total')]) }}) as kommune
    cross join aldersgrupper
),
raekker as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(optalt.dage, 0)::double as taeller, coalesce(optalt.forloeb, 0)::double as naevner
    from skelet
    left join optalt using (kommunekode, status_date, opdeling, opdeling_vaerdi)
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from raekker
