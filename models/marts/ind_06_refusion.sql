-- One row is: indicator 06, Antal refusionsberettigede sager, for a municipality, status date and
-- breakdown: persons under 67 on s whose disposed expenses for the year (ydelser and one-off grants)
-- exceed the year's first refusion threshold (SEL § 176), by refusion rate; and every person with
-- expenses > 0 by expense interval. Years without thresholds in the seed give no rows.
with udgifter as (
    select kommunekode, status_date, cpr, foedselsdato, udgift_7n
    from {{ ref('int_udgifter_pr_person') }}
    union all
    select kommunekode, status_date, cpr, foedselsdato, {{ kroner_7n('udgift', 'status_date') }}
    from {{ ref('int_engangsudgifter') }}
),
-- A person's yearly sum in whole oere, exactly, compared with the thresholds in oere.
personer as (
    select kommunekode, status_date, foedselsdato, {{ i_oere('sum(udgift_7n)', 'status_date') }} as oere
    from udgifter
    where year(status_date) in (select aar::INTEGER from {{ ref('refusionsgraenser') }})
    group by kommunekode, status_date, cpr, foedselsdato
),
klassificeret as (
    select person.kommunekode, person.status_date,
           case when {{ alder('person.foedselsdato', 'person.status_date') }} >= 67
                  or person.oere <= graense.graense_25::DECIMAL(18, 2) * 100 then null
                when person.oere <= graense.graense_50::DECIMAL(18, 2) * 100 then '25'
                when graense.graense_75 is null or person.oere <= graense.graense_75::DECIMAL(18, 2) * 100 then '50'
                else '75' end as refusionssats,
           case when person.oere < 25000000 then '0-250000'
                when person.oere < 50000000 then '250000-500000'
                when person.oere < 100000000 then '500000-1000000'
                when person.oere < 200000000 then '1000000-2000000'
                else '2000000+' end as udgiftsinterval
    from personer as person
    join {{ ref('refusionsgraenser') }} as graense on graense.aar::INTEGER = year(person.status_date)
    where person.oere > 0
),
-- One pass over the persons; the breakdowns are sums of this small table.
klasser as (
    select kommunekode, status_date, refusionssats, udgiftsinterval, count(*) as antal
    from klassificeret group by all
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
       coalesce(optalt.antal, 0)::DOUBLE as taeller, null::DOUBLE as naevner, coalesce(optalt.antal, 0)::DOUBLE as vaerdi
from ({{ indikator_skelet([('total', 'total'), ('refusionssats', '25'), ('refusionssats', '50'), ('refusionssats', '75'),
                           ('udgiftsinterval', '0-250000'), ('udgiftsinterval', '250000-500000'),
                           ('udgiftsinterval', '500000-1000000'), ('udgiftsinterval', '1000000-2000000'),
                           ('udgiftsinterval', '2000000+')]) }}) as skelet
join {{ ref('refusionsgraenser') }} as graense on graense.aar::INTEGER = year(skelet.status_date)
left join optalt using (kommunekode, status_date, opdeling, opdeling_vaerdi)
