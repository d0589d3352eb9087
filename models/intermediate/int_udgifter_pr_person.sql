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
    having sum(udgift_7n) > 0
)
select
    pr_version.kommunekode,
    statusdato.status_date,
    pr_version.cpr,
    pr_version.foedselsdato,
    pr_version.sagsbehandler_id,
    sum(pr_version.udgift_7n) as udgift_7n,
    sum(pr_version.udgift_7n_ind_10) as udgift_7n_ind_10
from pr_version
join statusdatoer as statusdato
  on statusdato.aar = pr_version.aar and pr_version.kendt_fra_status <= statusdato.status_date
group by all
