-- One row is: indicator A1, Antal anbragte boern fordelt paa anbringelsestyper, for a municipality,
-- status date and breakdown: HM of all placements, in total and per placement type (the types of
-- seeds/anbringelsestyper.csv).
{%- set opdelinger = [('total', 'total')] %}
{%- for type in seed_column('anbringelsestyper', 'anbringelsestype') %}
{%- set _ = opdelinger.append(('anbringelsestype', type)) %}
{%- endfor %}
{{ optaelling('anbringelse', opdelinger) }}
