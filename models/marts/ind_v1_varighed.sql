-- One row is: indicator V1, Varighed af igangvaerende forloeb, for a municipality, status date and
-- breakdown: the spells (int_forloeb) of alle active on s, their lengths so far summed (s - first day
-- + 1, in days) over their number; per gruppe on that group's own spells, and per aldersgruppe (the
-- person's age on s) on the spells of alle.
-- A spell is active on the status dates from the first on or after its first day (and its version's
-- first) to the last before the day after its last day (and its version's last). Summed over spells,
-- the lengths on s are number x (s + 1) - the first days summed, so that total and gruppe add up the
-- spells' starts and ends per status date; aldersgruppe, whose age moves with s, reads every spell on
-- every status date it is active.
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
-- A spell's first status date and the first on which it no longer counts (NULL: none).
intervaller as (
    select forloeb.kommunekode, forloeb.gruppe, forloeb.foedselsdato, forloeb.fra,
           foerste.status_date as fra_status,
           least(efter.status_date, forloeb.kendt_til) as til_status
    from forloeb
    asof join statusdatoer as foerste on foerste.status_date >= greatest(forloeb.fra, forloeb.kendt_fra)
    asof left join statusdatoer as efter on efter.status_date > coalesce(forloeb.til, date '9999-12-31')
),
aktive_intervaller as (
    select * from intervaller where til_status is null or til_status > fra_status
),
skift as (
    select kommunekode, gruppe, fra_status as status_date, 1 as forloeb, fra - date '1970-01-01' as fra_dage
    from aktive_intervaller
    union all
    select kommunekode, gruppe, til_status, -1, -(fra - date '1970-01-01')
    from aktive_intervaller where til_status is not null
),
pr_statusdato as (
    select kommunekode, gruppe, status_date, sum(forloeb) as forloeb, sum(fra_dage) as fra_dage
    from skift
    group by all
),
-- The spells of a set active on s: the starts and ends up to s.
pr_gruppe as (
    select pr_statusdato.kommunekode, statusdatoer.status_date, pr_statusdato.gruppe,
           sum(pr_statusdato.forloeb) as forloeb,
           sum(pr_statusdato.forloeb) * (statusdatoer.status_date - date '1970-01-01' + 1)
               - sum(pr_statusdato.fra_dage) as dage
    from pr_statusdato
    join statusdatoer on pr_statusdato.status_date <= statusdatoer.status_date
    group by pr_statusdato.kommunekode, statusdatoer.status_date, pr_statusdato.gruppe
),
-- Each spell of alle on each status date it is active (5.8 M rows on the national data), with its
-- age on s: both dates made numbers for alder once, the spell's and the status date's, not once per
-- pair (0.97 -> 0.80 CPU s).
aktive_alle as (
    select intervaller.kommunekode, statusdatoer.status_date,
           {{ alder_af_tal('intervaller.foedsel_tal', 'statusdatoer.dato_tal') }} as alder,
           date_diff('day', intervaller.fra, statusdatoer.status_date) + 1 as dage
    from (select *, {{ dato_tal('foedselsdato') }} as foedsel_tal
          from aktive_intervaller where gruppe = 'alle') as intervaller
    join (select status_date, {{ dato_tal('status_date') }} as dato_tal from statusdatoer) as statusdatoer
      on statusdatoer.status_date >= intervaller.fra_status
     and (intervaller.til_status is null or statusdatoer.status_date < intervaller.til_status)
),
optalt as (
    select kommunekode, status_date,
           case gruppe when 'alle' then 'total' else 'gruppe' end as opdeling,
           case gruppe when 'alle' then 'total' else gruppe end as opdeling_vaerdi,
           dage, forloeb
    from pr_gruppe
    where forloeb > 0
    union all
    select aktive.kommunekode, aktive.status_date, 'aldersgruppe', aldre.aldersgruppe,
           sum(aktive.dage), count(*)
    from aktive_alle as aktive
    join aldre on aldre.alder = aktive.alder
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
