-- One row is: a municipality, status date, person and caseworker (NULL: services without one) with
-- the person's disposed expenses of the status date's year from the services known then, exact
-- (udgift_7n, macros/udgifter.sql): of every service, and of indicator 10's paragraphs. Persons
-- costing nothing are left out. Indicators 06 and 10 read it, so the expenses are spread over the
-- status dates once.
with udgifter_pr_bevilling as (
    select * from {{ ref('int_udgifter_pr_bevilling') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
pr_version as (
    select
        kommunekode, aar, kendt_fra_status, cpr, foedselsdato, sagsbehandler_id,
        sum(udgift_7n) as udgift_7n,
        coalesce(sum(udgift_7n) filter (
            where paragraf in ('{{ var("paragraffer_ind_10") | join("', '") }}')), 0) as udgift_7n_ind_10
    from udgifter_pr_bevilling
    group by all
),
-- A status date knows every version up to it: the running sums over the versions, each valid from
-- its own first status date until the next version's, so that each status date reads one row
-- (no expense is negative, so a running sum of 0 is a person costing nothing).
kumuleret as (
    select
        kommunekode, aar, kendt_fra_status, cpr, foedselsdato, sagsbehandler_id,
        lead(kendt_fra_status) over person as kendt_til_status,
        sum(udgift_7n) over person as udgift_7n,
        sum(udgift_7n_ind_10) over person as udgift_7n_ind_10
    from pr_version
    window person as (partition by kommunekode, aar, cpr, foedselsdato, sagsbehandler_id order by kendt_fra_status
                      rows between unbounded preceding and current row)
)
select
    kumuleret.kommunekode,
    statusdato.status_date,
    kumuleret.cpr,
    kumuleret.foedselsdato,
    kumuleret.sagsbehandler_id,
    kumuleret.udgift_7n,
    kumuleret.udgift_7n_ind_10
from kumuleret
join statusdatoer as statusdato
  on statusdato.aar = kumuleret.aar and kumuleret.kendt_fra_status <= statusdato.status_date
 and (kumuleret.kendt_til_status is null or statusdato.status_date < kumuleret.kendt_til_status)
where kumuleret.udgift_7n > 0
