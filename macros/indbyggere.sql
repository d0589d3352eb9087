{#- Per-capita rows (indicators.md "Per capita"), appended to an indicator's final select with one
    `union all`. For each municipality and status date whose year Y has population rows
    (int_befolkning), one row with breakdown `opdeling`, value total: numerator = `maal` (an aggregate
    over the total rows of `raekker`, a select in the indicator's shape) x `faktor`, denominator = the
    population column `personer` on 1 January of Y, value = numerator / denominator. A year without
    population rows gives no row (int_befolkning's warning says which). -#}
{% macro pr_indbyggere(opdeling, raekker, maal, faktor, personer) -%}
select total.kommunekode, total.status_date, '{{ opdeling }}' as opdeling, 'total' as opdeling_vaerdi,
       total.taeller, befolkning.{{ personer }}::double as naevner,
       {{ kvotient('total.taeller', 'befolkning.' ~ personer ~ '::double') }} as vaerdi
from (
    select kommunekode, status_date, {{ maal }}{{ ' * ' ~ faktor if faktor != 1 }} as taeller
    from ({{ raekker }}) as indikator
    where opdeling = 'total' and opdeling_vaerdi = 'total'
    group by kommunekode, status_date
) as total
join {{ ref('int_befolkning') }} as befolkning
  on befolkning.kommunekode = total.kommunekode and befolkning.aar = year(total.status_date)
{%- endmacro %}

{#- 02-05: recipients per 1,000 inhabitants aged 18-64: the total value x 1000 / P(18-64). -#}
{% macro pr_1000_18_64(raekker, maal='any_value(vaerdi)') -%}
{{ pr_indbyggere('pr_1000_18_64', raekker, maal, 1000, 'personer_18_64') }}
{%- endmacro %}

{#- 11: kroner per inhabitant: the total numerator / P(all ages). -#}
{% macro pr_indbygger(raekker, maal='any_value(taeller)') -%}
{{ pr_indbyggere('pr_indbygger', raekker, maal, 1, 'personer') }}
{%- endmacro %}
