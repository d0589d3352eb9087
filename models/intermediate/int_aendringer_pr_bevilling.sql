-- One row is: a grant in the baseline or in this build's snapshot (extract and bevilling_id), with
-- its cost before (the baseline's version at s0) and after (today's at s1), both in the year of
-- s1, the cost with the baseline's price and today's dates (for periode and pris), and the cause
-- (aarsag) its change goes to (indicators.md, "Changes since the previous month").
with grundlag as (
    select * from {{ ref('int_aendringer_grundlag') }}
),
foto as (
    select * from {{ ref('int_bevillingsfoto') }}
),
parret as (
    select
        coalesce(efter.udtraek, foer.udtraek) as udtraek,
        coalesce(efter.bevilling_id, foer.bevilling_id) as bevilling_id,
        foer.kommunekode as foer_kommunekode,
        foer.omraade as foer_omraade,
        efter.kommunekode as efter_kommunekode,
        efter.omraade as efter_omraade,
        coalesce(foer.oprettet_dato <= foer.status_date or foer.oprettet_dato is null, false) and foer.bevilling_id is not null as kendt_foer,
        coalesce(efter.oprettet_dato <= efter.status_date or efter.oprettet_dato is null, false) and efter.bevilling_id is not null as kendt_efter,
        case when foer.bevilling_id is null then 0
             else {{ bevilling_udgift_7n('foer', 'foer', 'foer.oprettet_dato', 'foer.status_date', 'aar.aar_start') }} end as foer_7n,
        coalesce(efter.udgift_7n, 0) as efter_7n,
        case when foer.bevilling_id is not null and efter.bevilling_id is not null
             then {{ bevilling_udgift_7n('foer', 'efter', 'efter.oprettet_dato', 'efter.status_date', 'aar.aar_start') }} end as mellem_7n
    from grundlag as foer
    full join foto as efter
      on efter.udtraek = foer.udtraek and efter.bevilling_id = foer.bevilling_id
    cross join (select make_date(year(date '{{ var("as_of") }}'), 1, 1) as aar_start) as aar
),
final as (
    select
        *,
        case when kendt_efter and not kendt_foer then 'ny'
             when kendt_foer and not kendt_efter then 'bortfaldet'
             when kendt_foer and kendt_efter
                  and (foer_omraade is distinct from efter_omraade or foer_kommunekode <> efter_kommunekode)
                  then 'omklassificeret'
             when kendt_foer and kendt_efter then 'periode_pris'
        end as aarsag
    from parret
    -- without a baseline there is nothing to compare (and no work to do)
    where exists (select 1 from grundlag)
)
select * from final
