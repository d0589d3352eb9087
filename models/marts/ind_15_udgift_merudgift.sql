-- One row is: indicator 15, Disponerede udgifter pr. modtager til merudgiftsydelser og hjaelpemidler, for a
-- municipality, status date and breakdown: 100 = DISP(merudgift, s) / PT(merudgift, s); 112 and 114 = that
-- paragraph's one-off grants dated J..s / their persons; total = the three summed / persons in any part, once.
with modtagerperioder as (
    {{ perioder_med_saet() }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
engangsudgifter as (
    select * from {{ ref('int_engangsudgifter') }}
),
merudgift as ({{ disponeret_gruppe('merudgift') }}),
merudgift_perioder as (
    select * from modtagerperioder where gruppe = 'merudgift' and opdeling = 'total'
),
paa_dagen as (
    select periode.kommunekode, statusdato.status_date
    from merudgift_perioder as periode
    join statusdatoer as statusdato
      on {{ kendt_version('periode', 'statusdato.status_date') }}
     and statusdato.status_date between periode.fra and periode.til
),
modtagere as (
    select kommunekode, status_date, count(*) as personer from paa_dagen group by all
),
engang as (
    select kommunekode, status_date, paragraf, sum({{ kroner_7n('udgift', 'status_date') }}) as udgift_7n,
           count(distinct cpr) as personer
    from engangsudgifter group by all
),
-- Persons in any part: the day's persons and those with a one-off grant, less those who are both. A
-- person is on the day at most once (int_modtagerperioder's periods of a set do not overlap), so
-- those who are both are the one-off grants' persons (made distinct) found in a period on the day:
-- a join of their few rows, not the day's 1.8 M persons (national) taken out of them.
engang_personer as (
    select distinct kommunekode, status_date, cpr from engangsudgifter
),
begge as (
    select kommunekode, status_date, sum(personer)::bigint as personer
    from (select kommunekode, status_date, personer from modtagere
          union all
          select kommunekode, status_date, count(*) from engang_personer group by all
          union all
          select person.kommunekode, person.status_date, -count(*)
          from engang_personer as person
          join statusdatoer as statusdato on statusdato.status_date = person.status_date
          join merudgift_perioder as periode
            on periode.kommunekode = person.kommunekode and periode.cpr_nr = person.cpr::bigint
           and {{ kendt_version('periode', 'person.status_date') }}
           and person.status_date between periode.fra and periode.til
          group by all)
    group by all
),
dele as (
    select skelet.kommunekode, skelet.status_date, 'paragraf' as opdeling, '100' as opdeling_vaerdi,
           coalesce(merudgift.udgift_7n, 0) as udgift_7n, coalesce(modtagere.personer, 0) as personer
    from ({{ indikator_skelet([('total', 'total')]) }}) as skelet
    left join merudgift
      on merudgift.kommunekode = skelet.kommunekode and merudgift.status_date = skelet.status_date
     and merudgift.opdeling = 'total'
    left join modtagere
      on modtagere.kommunekode = skelet.kommunekode and modtagere.status_date = skelet.status_date
    union all
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(engang.udgift_7n, 0), coalesce(engang.personer, 0)
    from ({{ indikator_skelet([('paragraf', '112'), ('paragraf', '114')]) }}) as skelet
    left join engang
      on engang.kommunekode = skelet.kommunekode and engang.status_date = skelet.status_date
     and engang.paragraf = skelet.opdeling_vaerdi
),
raekker as (
    select * from dele
    union all
    select del.kommunekode, del.status_date, 'total', 'total', sum(del.udgift_7n), coalesce(begge.personer, 0)
    from dele as del left join begge using (kommunekode, status_date)
    group by del.kommunekode, del.status_date, begge.personer
),
kroner as (
    select kommunekode, status_date, opdeling, opdeling_vaerdi,
           {{ som_kroner('udgift_7n', 'status_date') }} as taeller, personer::double as naevner
    from raekker
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from kroner
