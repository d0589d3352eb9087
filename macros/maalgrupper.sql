{#- Target groups (maalgrupper): how a value of ydelser.maalgruppe is read through the seed
    maalgrupper (indicators.md, "Target groups"). -#}

{#- The value normalised: lower case; æ -> ae, ø -> oe, å -> aa; then every character other than
    a-z, 0-9 and '.' removed ('Intellektuel/kognitiv forstyrrelse' -> 'intellektuelkognitivforstyrrelse').
    The seed's texts are read through the same macro, so both sides compare alike. -#}
{% macro maalgruppe_noegle(column) -%}
regexp_replace(replace(replace(replace(lower({{ column }}), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa'), '[^a-z0-9.]', '', 'g')
{%- endmacro %}

{#- True when a normalised value is a DST code: digits and dots only. -#}
{% macro er_dst_kode(noegle) -%}
regexp_full_match({{ noegle }}, '[0-9.]+')
{%- endmacro %}

{#- True when the DST code `noegle` belongs to the seed's code `kode`: equal to it, or `kode`
    followed by a dot ('1.2.1.3.2' is under '1.2.1', '1.10' is not under '1.1'). Of several, the
    longest code wins. -#}
{% macro under_dst_kode(noegle, kode) -%}
({{ noegle }} = {{ kode }} or starts_with({{ noegle }}, {{ kode }} || '.'))
{%- endmacro %}
