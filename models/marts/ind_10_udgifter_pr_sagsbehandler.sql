-- One row is: indicator 10, Udgifter pr. ydelse fordelt paa sagsbehandlere, for a municipality, status date
-- and breakdown: disposed expenses of the selected paragraphs (var paragraffer_ind_10) per person with such
-- a service costing > 0 in the year, in total, per caseworker, and per caseworker and selected paragraph
-- (paragraf:sagsbehandler, '107:S12'); services without a caseworker count in the total only.
with udgifter_pr_person as (
    select * from {{ ref('int_udgifter_pr_person') }}
),
udgifter_pr_bevilling as (
    select * from {{ ref('int_udgifter_pr_bevilling') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
-- The persons' sums per status date are int_udgifter_pr_person's; a person with several caseworkers
-- has a row with each, so the total counts the person once.
total as (
    select kommunekode, status_date, sum(udgift_7n_ind_10) as udgift_7n,
           count(distinct cpr) filter (where udgift_7n_ind_10 > 0) as personer
    from udgifter_pr_person
    group by all
),
pr_sagsbehandler as (
    select kommunekode, status_date, sagsbehandler_id, sum(udgift_7n_ind_10) as udgift_7n,
           count(*) filter (where udgift_7n_ind_10 > 0) as personer
    from udgifter_pr_person
    where sagsbehandler_id is not null
    group by all
    having sum(udgift_7n_ind_10) > 0
),
-- A person's expenses of one selected paragraph with one caseworker, from the services known at s.
pr_paragraf_person as (
    select bevilling.kommunekode, statusdato.status_date,
           bevilling.paragraf || ':' || bevilling.sagsbehandler_id as opdeling_vaerdi,
           bevilling.cpr, sum(bevilling.udgift_7n) as udgift_7n
    from udgifter_pr_bevilling as bevilling
    join statusdatoer as statusdato
      on statusdato.aar = bevilling.aar and bevilling.kendt_fra_status <= statusdato.status_date
    where bevilling.sagsbehandler_id is not null
      and bevilling.paragraf in ('{{ var("paragraffer_ind_10") | join("', '") }}')
    group by all
),
pr_paragraf as (
    select kommunekode, status_date, opdeling_vaerdi, sum(udgift_7n) as udgift_7n,
           count(*) filter (where udgift_7n > 0) as personer
    from pr_paragraf_person
    group by all
    having sum(udgift_7n) > 0
),
raekker as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           {{ som_kroner('coalesce(total.udgift_7n, 0)', 'skelet.status_date') }} as taeller,
           coalesce(total.personer, 0)::double as naevner
    from ({{ indikator_skelet([('total', 'total')]) }}) as skelet
    left join total using (kommunekode, status_date)
    union all
    select kommunekode, status_date, 'sagsbehandler', sagsbehandler_id,
           {{ som_kroner('udgift_7n', 'status_date') }}, personer::double
    from pr_sagsbehandler
    union all
    select kommunekode, status_date, 'paragraf:sagsbehandler', opdeling_vaerdi,
           {{ som_kroner('udgift_7n', 'status_date') }}, personer::double
    from pr_paragraf
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from raekker
