-- One row is: indicator 02, Antal brugere i botilbud og botilbudslignende tilbud, for a municipality,
-- status date and breakdown: helaarsmodtagere HM(botilbud, s), in total, per paragraph and per target
-- group (seed maalgrupper; each on its own services, so the groups need not add up to the total).
{%- set opdelinger = [('total', 'total'), ('paragraf', '107'), ('paragraf', '108'), ('paragraf', '85')] %}
{%- for maalgruppe in seed_column('maalgrupper', 'maalgruppe') | unique %}
{%- set _ = opdelinger.append(('maalgruppe', maalgruppe)) %}
{%- endfor %}
{{ optaelling('botilbud', opdelinger) }}
union all {{ pr_1000_18_64(optaelling('botilbud', [('total', 'total')])) }}
