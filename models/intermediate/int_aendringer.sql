-- One row is: a municipality, an area of 11 (or total) and a row of marts.aendringer (forrige,
-- a cause, nu): the exact sum (udgift_7n of the year of s1) and the grants with a non-zero part in
-- it. No rows without a baseline (int_aendringer_kilde says why).
with pr_bevilling as (
    select * from {{ ref('int_aendringer_pr_bevilling') }}
),
kilde as (
    select * from {{ ref('int_aendringer_kilde') }}
),
budgetomraader as (
    select * from {{ ref('budgetomraader') }}
),
-- Each grant's parts: its cost before and after, and its change split by cause. A move to another
-- municipality or area takes -before from the old one and +after to the new.
dele as (
    select udtraek, bevilling_id, foer_kommunekode as kommunekode, foer_omraade as omraade, 'forrige' as aarsag, foer_7n as udgift_7n
    from pr_bevilling where foer_kommunekode is not null
    union all
    select udtraek, bevilling_id, efter_kommunekode, efter_omraade, 'nu', efter_7n
    from pr_bevilling where efter_kommunekode is not null
    union all
    select udtraek, bevilling_id, efter_kommunekode, efter_omraade, 'ny', efter_7n - foer_7n
    from pr_bevilling where aarsag = 'ny'
    union all
    select udtraek, bevilling_id, foer_kommunekode, foer_omraade, 'bortfaldet', efter_7n - foer_7n
    from pr_bevilling where aarsag = 'bortfaldet'
    union all
    select udtraek, bevilling_id, foer_kommunekode, foer_omraade, 'omklassificeret', -foer_7n
    from pr_bevilling where aarsag = 'omklassificeret'
    union all
    select udtraek, bevilling_id, efter_kommunekode, efter_omraade, 'omklassificeret', efter_7n
    from pr_bevilling where aarsag = 'omklassificeret'
    union all
    select udtraek, bevilling_id, efter_kommunekode, efter_omraade, 'periode', mellem_7n - foer_7n
    from pr_bevilling where aarsag = 'periode_pris'
    union all
    select udtraek, bevilling_id, efter_kommunekode, efter_omraade, 'pris', efter_7n - mellem_7n
    from pr_bevilling where aarsag = 'periode_pris'
),
pr_omraade as (
    select kommunekode, omraade, aarsag, sum(udgift_7n) as udgift_7n, count(*) filter (where udgift_7n <> 0) as bevillinger
    from dele
    where omraade is not null
    group by all
),
-- On total a grant's parts in one municipality are netted first: a move between areas of one
-- municipality is one grant with after - before there. Only omklassificeret has two parts a grant.
netto as (
    select kommunekode, aarsag, udgift_7n
    from dele
    where aarsag <> 'omklassificeret'
    union all
    select kommunekode, aarsag, sum(udgift_7n)
    from dele
    where aarsag = 'omklassificeret'
    group by udtraek, bevilling_id, kommunekode, aarsag
),
total as (
    select kommunekode, 'total' as omraade, aarsag, sum(udgift_7n) as udgift_7n, count(*) filter (where udgift_7n <> 0) as bevillinger
    from netto
    group by all
),
skelet as (
    select kommuner.kommunekode, omraader.omraade, aarsager.aarsag, aarsager.raekkefoelge
    from (select distinct kommunekode from dele) as kommuner
    cross join (select 'total' as omraade union all select omraade from budgetomraader) as omraader
    cross join (values (1, 'forrige'), (2, 'ny'), (3, 'bortfaldet'), (4, 'periode'), (5, 'pris'),
                       (6, 'omklassificeret'), (7, 'nu')) as aarsager(raekkefoelge, aarsag)
),
final as (
    select
        skelet.kommunekode,
        kilde.grundlag_status_date as forrige_status_date,
        kilde.status_date,
        skelet.omraade,
        skelet.aarsag,
        skelet.raekkefoelge,
        cast(coalesce(summer.udgift_7n, 0) as decimal(38, 12)) as udgift_7n,
        coalesce(summer.bevillinger, 0) as bevillinger
    from skelet
    cross join kilde
    left join (select * from pr_omraade union all select * from total) as summer
      on summer.kommunekode = skelet.kommunekode and summer.omraade = skelet.omraade and summer.aarsag = skelet.aarsag
    where kilde.grundlag_status_date is not null
)
select * from final
