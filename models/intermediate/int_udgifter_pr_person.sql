-- One row is: a municipality, year and person with a cost, and the status dates of that year from
-- kendt_fra_status until kendt_til_status (NULL: the year's last) in which the person's disposed
-- expenses of the year, from the services and one-off grants known then, are udgift_7n, exact
-- (macros/udgifter.sql). Indicator 06 reads it: a person's sum per status date, formed once and
-- without spreading the persons over the status dates.
with udgifter_pr_bevilling as (
    select * from {{ ref('int_udgifter_pr_bevilling') }}
),
engangsudgifter as (
    select * from {{ ref('int_engangsudgifter') }}
),
-- A one-off grant counts from the first status date that counts it to the end of its year.
engangs_fra as (
    select kommunekode, year(min(status_date)) as aar, min(status_date) as kendt_fra_status, cpr, foedselsdato,
           {{ kroner_7n('udgift', 'min(status_date)') }} as udgift_7n
    from engangsudgifter
    group by bevilling_id, kommunekode, cpr, foedselsdato, udgift
),
-- The sums per version are formed on numbers, not texts: a municipality and year as one integer
-- (kommunekode is 3 digits) and the person as the number of its 10 CPR digits, from which its birth
-- date follows (any row's is every row's). Both texts are given back exactly, zeros and all.
pr_version as (
    select kommunekode::bigint * 10000 + aar as kommune_aar, cpr::bigint as cpr_nr, kendt_fra_status,
           any_value(foedselsdato) as foedselsdato, sum(udgift_7n) as udgift_7n
    from (
        select kommunekode, aar, kendt_fra_status, cpr, foedselsdato, udgift_7n from udgifter_pr_bevilling
        union all
        select kommunekode, aar, kendt_fra_status, cpr, foedselsdato, udgift_7n from engangs_fra
    )
    group by kommune_aar, cpr_nr, kendt_fra_status
),
-- A status date knows every version up to it: the running sums over the versions, each valid from
-- its own first status date until the next version's (no expense is negative, so a running sum of 0
-- is a person costing nothing).
kumuleret as (
    select
        kommune_aar, cpr_nr, foedselsdato, kendt_fra_status,
        lead(kendt_fra_status) over person as kendt_til_status,
        sum(udgift_7n) over person as udgift_7n
    from pr_version
    window person as (partition by kommune_aar, cpr_nr order by kendt_fra_status
                      rows between unbounded preceding and current row)
),
final as (
    select
        lpad((kommune_aar // 10000)::varchar, 3, '0') as kommunekode,
        kommune_aar % 10000 as aar,
        lpad(cpr_nr::varchar, 10, '0') as cpr,
        foedselsdato, kendt_fra_status, kendt_til_status, udgift_7n
    from kumuleret
    where udgift_7n > 0
)
select * from final
