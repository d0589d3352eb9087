-- One row is: indicator 11, Disponerede udgifter som andel af budget, for a municipality, status date and
-- breakdown: disposed expenses of all ydelser and one-off grants over the year's budget, per budget area.
with engangsudgifter as (
    select * from {{ ref('int_engangsudgifter') }}
),
paragraffer as (
    select * from {{ ref('paragraffer') }}
),
budgetposter as (
    select * from {{ ref('stg_budget') }}
),
udgifter as (
    select kommunekode, status_date, omraade, udgift_7n from ({{ disponeret_pr_statusdato(['omraade']) }})
    union all
    select engang.kommunekode, engang.status_date, paragraf.omraade, {{ kroner_7n('engang.udgift', 'engang.status_date') }}
    from engangsudgifter as engang
    join paragraffer as paragraf using (paragraf)
),
pr_omraade as (
    select kommunekode, status_date, 'omraade' as opdeling, omraade as opdeling_vaerdi, sum(udgift_7n) as udgift_7n
    from udgifter group by all
    union all
    select kommunekode, status_date, 'total', 'total', sum(udgift_7n) from udgifter group by all
),
budget as (
    select kommunekode, aar, 'omraade' as opdeling, omraade as opdeling_vaerdi, sum(beloeb) as beloeb
    from budgetposter group by all
    union all
    select kommunekode, aar, 'total', 'total', sum(beloeb) from budgetposter group by all
),
raekker as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           {{ som_kroner('coalesce(udgift.udgift_7n, 0)', 'skelet.status_date') }} as taeller,
           {{ som_double('coalesce(budget.beloeb, 0)') }} as naevner
    from ({{ indikator_skelet([('total', 'total'), ('omraade', 'botilbud'), ('omraade', 'dagtilbud'), ('omraade', 'hjaelperordning'),
                               ('omraade', 'stoette_i_eget_hjem'), ('omraade', 'merudgift_hjaelpemidler')]) }}) as skelet
    left join pr_omraade as udgift using (kommunekode, status_date, opdeling, opdeling_vaerdi)
    left join budget
      on budget.kommunekode = skelet.kommunekode and budget.aar = year(skelet.status_date)
     and budget.opdeling = skelet.opdeling and budget.opdeling_vaerdi = skelet.opdeling_vaerdi
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from raekker
union all {{ pr_indbygger('select * from raekker') }}
