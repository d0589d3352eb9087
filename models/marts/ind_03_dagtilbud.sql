-- One row is: indicator 03, Antal brugere i dagforanstaltning, for a municipality, status date and
-- breakdown: the punkttaelling PT(dagtilbud, s), in total, per paragraph and per target group (each on
-- its own services).
{%- set opdelinger = [('total', 'total'), ('paragraf', '103'), ('paragraf', '104')] %}
{%- for maalgruppe in seed_column('maalgrupper', 'maalgruppe') | unique %}
{%- set _ = opdelinger.append(('maalgruppe', maalgruppe)) %}
{%- endfor %}
{{ optaelling('dagtilbud', opdelinger, maal='punkttaelling') }}
union all {{ pr_1000_18_64(optaelling('dagtilbud', [('total', 'total')], maal='punkttaelling')) }}
