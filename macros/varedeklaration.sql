{#- A text as an SQL string literal; a list becomes its items, one per line. -#}
{% macro tekst(value) -%}
'{{ (value | join("\n") if value is not string else value) | replace("'", "''") }}'
{%- endmacro %}
