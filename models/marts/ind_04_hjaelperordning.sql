-- One row is: indicator 04, Antal brugere der modtager hjaelperordninger, for a municipality, status
-- date and breakdown: HM(hjaelperordning, s), in total, per paragraph (95, 96) and per target group
-- (each on its own services).
{%- set opdelinger = [('total', 'total'), ('paragraf', '95'), ('paragraf', '96')] %}
{%- for maalgruppe in seed_column('maalgrupper', 'maalgruppe') | unique %}
{%- set _ = opdelinger.append(('maalgruppe', maalgruppe)) %}
{%- endfor %}
{{ optaelling('hjaelperordning', opdelinger) }}
union all {{ pr_1000_18_64(optaelling('hjaelperordning', [('total', 'total')])) }}
