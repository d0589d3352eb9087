{#- The shape every indicator model shares: its rows, and numerator over denominator. -#}

{#- numerator / denominator, NULL where the denominator is 0 or missing (never an error or infinity). -#}
{% macro kvotient(taeller, naevner) -%}
case when coalesce({{ naevner }}, 0) = 0 then null else {{ taeller }} / {{ naevner }} end
{%- endmacro %}

{#- Every municipality and status date with each (opdeling, opdeling_vaerdi) given: the rows an
    indicator must have even where nothing was counted. -#}
{% macro indikator_skelet(opdelinger) -%}
select k.kommunekode, sd.status_date, o.opdeling, o.opdeling_vaerdi
from {{ ref('int_kommuner') }} k
cross join {{ ref('int_statusdatoer') }} sd
cross join (values {% for opdeling, vaerdi in opdelinger %}('{{ opdeling }}', '{{ vaerdi }}'){{ ", " if not loop.last }}{% endfor %}) as o(opdeling, opdeling_vaerdi)
{%- endmacro %}

{#- A count indicator from int_helaarsmodtagere: numerator = the measure (helaarsmodtagere or
    punkttaelling) of the group in each breakdown, no denominator, value = numerator. -#}
{% macro optaelling(gruppe, opdelinger, maal='helaarsmodtagere') -%}
select s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(h.{{ maal }}, 0)::double as taeller,
       null::double as naevner,
       coalesce(h.{{ maal }}, 0)::double as vaerdi
from ({{ indikator_skelet(opdelinger) }}) s
left join {{ ref('int_helaarsmodtagere') }} h
  on h.kommunekode = s.kommunekode and h.status_date = s.status_date and h.gruppe = '{{ gruppe }}'
 and h.opdeling = s.opdeling and h.opdeling_vaerdi = s.opdeling_vaerdi
{%- endmacro %}

{#- A count indicator of 02-04: the total, each paragraph given and each target group of the seed
    maalgrupper (each on its own services), then the total per 1,000 inhabitants aged 18-64. -#}
{% macro optaelling_opdelt(gruppe, paragraffer, maal='helaarsmodtagere') -%}
{%- set opdelinger = [('total', 'total')] %}
{%- for paragraf in paragraffer %}{% set _ = opdelinger.append(('paragraf', paragraf)) %}{% endfor %}
{%- for maalgruppe in seed_column('maalgrupper', 'maalgruppe') | unique %}
{%- set _ = opdelinger.append(('maalgruppe', maalgruppe)) %}
{%- endfor %}
{{ optaelling(gruppe, opdelinger, maal) }}
union all {{ pr_1000_18_64(optaelling(gruppe, [('total', 'total')], maal)) }}
{%- endmacro %}
