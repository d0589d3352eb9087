{#- The shape every indicator model shares: its rows, and numerator over denominator. -#}

{#- numerator / denominator, NULL where the denominator is 0 or missing (never an error or infinity). -#}
{% macro kvotient(taeller, naevner) -%}
CASE WHEN coalesce({{ naevner }}, 0) = 0 THEN NULL ELSE {{ taeller }} / {{ naevner }} END
{%- endmacro %}

{#- Every municipality and status date with each (opdeling, opdeling_vaerdi) given: the rows an
    indicator must have even where nothing was counted. -#}
{% macro indikator_skelet(opdelinger) -%}
SELECT k.kommunekode, sd.status_date, o.opdeling, o.opdeling_vaerdi
FROM {{ ref('int_kommuner') }} k
CROSS JOIN {{ ref('int_statusdatoer') }} sd
CROSS JOIN (VALUES {% for opdeling, vaerdi in opdelinger %}('{{ opdeling }}', '{{ vaerdi }}'){{ ", " if not loop.last }}{% endfor %}) AS o(opdeling, opdeling_vaerdi)
{%- endmacro %}

{#- A count indicator from int_helaarsmodtagere: numerator = the measure (helaarsmodtagere or
    punkttaelling) of the group in each breakdown, no denominator, value = numerator. -#}
{% macro optaelling(gruppe, opdelinger, maal='helaarsmodtagere') -%}
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(h.{{ maal }}, 0)::DOUBLE AS taeller,
       NULL::DOUBLE AS naevner,
       coalesce(h.{{ maal }}, 0)::DOUBLE AS vaerdi
FROM ({{ indikator_skelet(opdelinger) }}) s
LEFT JOIN {{ ref('int_helaarsmodtagere') }} h
  ON h.kommunekode = s.kommunekode AND h.status_date = s.status_date AND h.gruppe = '{{ gruppe }}'
 AND h.opdeling = s.opdeling AND h.opdeling_vaerdi = s.opdeling_vaerdi
{%- endmacro %}
