{#- Flows and durations of spells (int_forloeb): indicators F1, F2 and V1. -#}

{#- M(s): the days from the first of s's month to s, both included. -#}
{% macro i_maaneden(dag, status_date) -%}
{{ dag }} between make_date(year({{ status_date }}), month({{ status_date }}), 1) and {{ status_date }}
{%- endmacro %}

{#- A flow indicator's rows: persons with a spell whose `kant` (fra: its first day, F1; til: its last
    day, F2) lies in M(s), each person once; the total on the spells of alle, breakdown gruppe on
    each group's own spells. Every row is present, 0 where nobody. -#}
{% macro forloeb_personer(kant) -%}
with forloeb as (
    select * from {{ ref('int_forloeb') }}
),
statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
optalt as (
    select forloeb.kommunekode, statusdatoer.status_date,
           case forloeb.gruppe when 'alle' then 'total' else 'gruppe' end as opdeling,
           case forloeb.gruppe when 'alle' then 'total' else forloeb.gruppe end as opdeling_vaerdi,
           count(distinct forloeb.cpr) as personer
    from forloeb
    join statusdatoer
      on {{ kendt_version('forloeb', 'statusdatoer.status_date') }}
     and {{ i_maaneden('forloeb.' ~ kant, 'statusdatoer.status_date') }}
    group by all
)
select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
       coalesce(optalt.personer, 0)::double as taeller, null::double as naevner,
       coalesce(optalt.personer, 0)::double as vaerdi
from ({{ indikator_skelet([('total', 'total'), ('gruppe', 'botilbud'), ('gruppe', 'dagtilbud'), ('gruppe', 'hjaelperordning')]) }}) as skelet
left join optalt using (kommunekode, status_date, opdeling, opdeling_vaerdi)
{%- endmacro %}
