-- One row is: indicator 06, Antal refusionsberettigede sager, for a municipality, status date and
-- breakdown: persons under 67 on s whose disposed expenses for the year (ydelser and one-off grants)
-- exceed the year's first refusion threshold (SEL § 176), by refusion rate; and every person with
-- expenses > 0 by expense interval. Years without thresholds in the seed give no rows, and a year
-- without graense_75 (before 2021) no row for the rate 75, which it did not have.
with udgifter_pr_person as (
    select * from {{ ref('int_udgifter_pr_person') }}
),
refusionsgraenser as (
    select * from {{ ref('refusionsgraenser') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
-- A yearly sum counts rounded half up to whole oere: it exceeds a threshold G when it is at least
-- G + half an oere, and is below a bound L when below L - half an oere. The limits are put in the
-- sums' own unit (udgift_7n, of one N per year), so each sum is compared exactly and without a division.
graenser as (
    select aar.aar,
           {{ kroner_7n('0.005', 'aar.aar_start') }} as mindst_et_oere,
           {{ kroner_7n('cast(graense.graense_25 as decimal(18, 6)) + 0.005', 'aar.aar_start') }} as over_25,
           {{ kroner_7n('cast(graense.graense_50 as decimal(18, 6)) + 0.005', 'aar.aar_start') }} as over_50,
           {{ kroner_7n('cast(graense.graense_75 as decimal(18, 6)) + 0.005', 'aar.aar_start') }} as over_75,
           {{ kroner_7n('249999.995', 'aar.aar_start') }} as under_250000,
           {{ kroner_7n('499999.995', 'aar.aar_start') }} as under_500000,
           {{ kroner_7n('999999.995', 'aar.aar_start') }} as under_1000000,
           {{ kroner_7n('1999999.995', 'aar.aar_start') }} as under_2000000
    from (select distinct aar, periode_start as aar_start from statusdatoer) as aar
    join refusionsgraenser as graense on graense.aar::integer = aar.aar
),
-- Each person's sum classified once per version (the thresholds are the year's); the rate as for a
-- person under 67, whose birth date is kept only where it can matter.
klassificeret as (
    select person.kommunekode, person.aar, person.kendt_fra_status, person.kendt_til_status,
           case when person.udgift_7n < graense.over_25 then null
                when person.udgift_7n < graense.over_50 then '25'
                when graense.over_75 is null or person.udgift_7n < graense.over_75 then '50'
                else '75' end as refusionssats,
           case when person.udgift_7n < graense.under_250000 then '0-250000'
                when person.udgift_7n < graense.under_500000 then '250000-500000'
                when person.udgift_7n < graense.under_1000000 then '500000-1000000'
                when person.udgift_7n < graense.under_2000000 then '1000000-2000000'
                else '2000000+' end as udgiftsinterval,
           person.foedselsdato
    from udgifter_pr_person as person
    join graenser as graense using (aar)
    where person.udgift_7n >= graense.mindst_et_oere
),
versioner as (
    select kommunekode, aar, kendt_fra_status, kendt_til_status, refusionssats, udgiftsinterval,
           case when refusionssats is not null then foedselsdato end as foedselsdato, count(*) as antal
    from klassificeret
    group by all
),
-- Each status date reads the versions valid on it; a person of 67 or more on s has no rate.
pr_statusdato as (
    select version.kommunekode, statusdato.status_date,
           case when {{ alder('version.foedselsdato', 'statusdato.status_date') }} >= 67 then null
                else version.refusionssats end as refusionssats,
           version.udgiftsinterval, version.antal
    from versioner as version
    join statusdatoer as statusdato
      on statusdato.aar = version.aar and version.kendt_fra_status <= statusdato.status_date
     and (version.kendt_til_status is null or statusdato.status_date < version.kendt_til_status)
),
-- One pass over the persons; the breakdowns are sums of this small table.
klasser as (
    select kommunekode, status_date, refusionssats, udgiftsinterval, sum(antal) as antal
    from pr_statusdato group by all
),
optalt as (
    select kommunekode, status_date, 'refusionssats' as opdeling, refusionssats as opdeling_vaerdi, sum(antal) as antal
    from klasser where refusionssats is not null group by all
    union all
    select kommunekode, status_date, 'total', 'total', sum(antal) from klasser where refusionssats is not null group by all
    union all
    select kommunekode, status_date, 'udgiftsinterval', udgiftsinterval, sum(antal) from klasser group by all
)
select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
       coalesce(optalt.antal, 0)::double as taeller, null::double as naevner, coalesce(optalt.antal, 0)::double as vaerdi
from ({{ indikator_skelet([('total', 'total'), ('refusionssats', '25'), ('refusionssats', '50'), ('refusionssats', '75'),
                           ('udgiftsinterval', '0-250000'), ('udgiftsinterval', '250000-500000'),
                           ('udgiftsinterval', '500000-1000000'), ('udgiftsinterval', '1000000-2000000'),
                           ('udgiftsinterval', '2000000+')]) }}) as skelet
join refusionsgraenser as graense on graense.aar::integer = year(skelet.status_date)
left join optalt using (kommunekode, status_date, opdeling, opdeling_vaerdi)
where skelet.opdeling_vaerdi <> '75' or graense.graense_75 is not null
