-- One row is: indicator 10, Udgifter pr. ydelse fordelt paa sagsbehandlere, for a municipality, status date
-- and breakdown: disposed expenses of the selected paragraphs (var paragraffer_ind_10) per person with such
-- a service costing > 0 in the year, in total, per caseworker, and per caseworker and selected paragraph
-- (paragraf:sagsbehandler, '107:S12'); services without a caseworker count in the total only.
with udgifter_pr_bevilling as (
    select * from {{ ref('int_udgifter_pr_bevilling') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
-- The selected paragraphs' services. A status date reads the versions of its year known then
-- (kendt_fra_status <= s). No expense is negative, so a sum is > 0 at s exactly when a service in it
-- costing > 0 is known at s: a person counts from the first status date knowing one, and nothing
-- needs spreading over the status dates before it is summed per breakdown.
ydelser as (
    select kommunekode, aar, kendt_fra_status, cpr, foedselsdato, sagsbehandler_id, paragraf, udgift_7n
    from udgifter_pr_bevilling
    where paragraf in ('{{ var("paragraffer_ind_10") | join("', '") }}')
),
-- Per caseworker (NULL: none) and paragraph: the expenses first known at each status date, and each
-- person's first status date of the year with a cost > 0 (NULL: none).
pr_version as (
    select kommunekode, aar, kendt_fra_status, sagsbehandler_id, paragraf, sum(udgift_7n) as udgift_7n
    from ydelser
    group by all
),
pr_person as (
    select kommunekode, aar, sagsbehandler_id, paragraf, cpr, foedselsdato,
           min(kendt_fra_status) filter (where udgift_7n > 0) as foerste_status
    from ydelser
    group by all
),
-- What each breakdown gains at a status date (fra): expenses, and persons counted from then on. A
-- person with several caseworkers or paragraphs counts once in the total and once per caseworker.
tilgang as (
    select kommunekode, aar, kendt_fra_status as fra, 'total' as opdeling, null as sagsbehandler_id,
           null as paragraf, sum(udgift_7n) as udgift_7n, 0 as personer
    from pr_version
    group by all
    union all
    select kommunekode, aar, foerste_status, 'total', null, null, 0, count(*)
    from (select kommunekode, aar, cpr, min(foerste_status) as foerste_status from pr_person group by all)
    where foerste_status is not null
    group by all
    union all
    select kommunekode, aar, kendt_fra_status, 'sagsbehandler', sagsbehandler_id, null, sum(udgift_7n), 0
    from pr_version
    where sagsbehandler_id is not null
    group by all
    union all
    select kommunekode, aar, foerste_status, 'sagsbehandler', sagsbehandler_id, null, 0, count(*)
    from (select kommunekode, aar, sagsbehandler_id, cpr, foedselsdato, min(foerste_status) as foerste_status
          from pr_person where sagsbehandler_id is not null group by all)
    where foerste_status is not null
    group by all
    union all
    select kommunekode, aar, kendt_fra_status, 'paragraf:sagsbehandler', sagsbehandler_id, paragraf, udgift_7n, 0
    from pr_version
    where sagsbehandler_id is not null
    union all
    select kommunekode, aar, foerste_status, 'paragraf:sagsbehandler', sagsbehandler_id, paragraf, 0, count(*)
    from pr_person
    where sagsbehandler_id is not null and foerste_status is not null
    group by all
),
-- The running sums over the status dates of the year, each valid until the next change, so that each
-- status date reads one row per breakdown.
kumuleret as (
    select kommunekode, aar, fra, opdeling, sagsbehandler_id, paragraf,
           lead(fra) over breakdown as til,
           sum(sum(udgift_7n)) over breakdown as udgift_7n,
           sum(sum(personer)) over breakdown as personer
    from tilgang
    group by kommunekode, aar, fra, opdeling, sagsbehandler_id, paragraf
    window breakdown as (partition by kommunekode, aar, opdeling, sagsbehandler_id, paragraf order by fra
                         rows between unbounded preceding and current row)
),
-- Each breakdown's row in its published form, formed once per change rather than once per status
-- date it holds for: the money converted with its year's 7N (aar is the status date's year), the
-- breakdown's text, the quotient.
omregnet as (
    select kommunekode, aar, fra, til, opdeling,
           case opdeling when 'total' then 'total' when 'sagsbehandler' then sagsbehandler_id
                else paragraf || ':' || sagsbehandler_id end as opdeling_vaerdi,
           {{ som_kroner('udgift_7n', 'make_date(aar, 1, 1)') }} as taeller,
           personer::double as naevner
    from kumuleret
    where opdeling = 'total' or personer > 0
),
pr_statusdato as (
    select omregnet.kommunekode, statusdato.status_date, omregnet.opdeling, omregnet.opdeling_vaerdi,
           omregnet.taeller, omregnet.naevner, {{ kvotient('omregnet.taeller', 'omregnet.naevner') }} as vaerdi
    from omregnet
    join statusdatoer as statusdato
      on statusdato.aar = omregnet.aar and omregnet.fra <= statusdato.status_date
     and (omregnet.til is null or statusdato.status_date < omregnet.til)
),
-- The total has a row at every status date, 0 kr over 0 persons before its first change.
final as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           coalesce(total.taeller, 0)::double as taeller, coalesce(total.naevner, 0)::double as naevner,
           total.vaerdi
    from ({{ indikator_skelet([('total', 'total')]) }}) as skelet
    left join (select * from pr_statusdato where opdeling = 'total') as total using (kommunekode, status_date)
    union all
    select * from pr_statusdato
    where opdeling <> 'total'
)
select * from final
