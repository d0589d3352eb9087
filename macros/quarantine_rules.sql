{#- The pieces of the rules that send a raw row to the quarantine (audit.quarantine). A staging
    model's `parsed_<extract>` names each parsed value <column>_p beside the raw text <column>,
    then gives each row the first reason code of the contract's table that applies to it; the
    duplicate rules come last in that table, so they are the CASE's ELSE. -#}

{% macro any_missing(columns) -%}
({% for column in columns %}{{ column }} is null{{ " OR " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- True when a column has text that its parser could not read (<column>_p is NULL). -#}
{% macro any_unparsed(columns) -%}
({% for column in columns -%}
    ({{ column }} is not null and {{ column }}_p is null){{ " OR " if not loop.last }}
{%- endfor %})
{%- endmacro %}

{#- True when any of the parsed numbers is negative or not finite (the contract's amounts and hours are
    >= 0; 400 digits parse as infinity, which no sum survives). -#}
{% macro any_out_of_range(columns) -%}
({% for column in columns %}{{ column }}_p < 0 or not isfinite({{ column }}_p){{ " OR " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- True when the parsed paragraph is not in the catalogue (seed paragraffer) for this extract. -#}
{% macro paragraf_unknown(column, catalogue, extract) -%}
({{ column }} is null or {{ column }} not in (
    select cast(paragraf as varchar) from {{ catalogue }} where udtraek = '{{ extract }}'))
{%- endmacro %}

{#- The rows of `relation` that break a duplicate rule, with its code as `duplicate`; compared on
    the raw text of all the extract's columns. duplicate_conflict: the id also appears on a row
    that differs, i.e. the id's rows outnumber this row's exact copies; every such row goes.
    duplicate_exact: a later exact copy (by file name, then line); the first copy stays. Without
    an id only exact copies count. Only rows whose key occurs twice are windowed: sorting every
    row by every column cost more than all the parsing. -#}
{% macro duplicate_rows(relation, columns, id=none) -%}
{%- set key = id or "hash(" ~ (columns | join(", ")) ~ ")" -%}
{%- set copies = "PARTITION BY " ~ (columns | join(", ")) -%}
select
    _file,
    _line,
    case
        {% if id %}when count(*) over (partition by {{ id }}) > count(*) over ({{ copies }}) then 'duplicate_conflict'
        {% endif %}when row_number() over ({{ copies }} order by _file, _line) > 1 then 'duplicate_exact'
    end as duplicate
from {{ relation }}
where {{ key }} in (select {{ key }} from {{ relation }} group by all having count(*) > 1)
{%- endmacro %}

{#- A raw CPR text with its serial part masked: '010180-1234' and '0101801234' give '010180-XXXX';
    text that is not a CPR number keeps its first six characters, and its digits after them become X. -#}
{% macro mask_cpr(column) -%}
case when length({{ column }}) > 6
     then left({{ column }}, 6) || '-' || regexp_replace(ltrim(substr({{ column }}, 7), '-'), '\d', 'X', 'g')
     else {{ column }} end
{%- endmacro %}

{#- The raw row as text, 'column=value' joined by ';', for the quarantine, which sits outside the
    restricted layers: the cpr column is masked, and so is every CPR run in the other columns (an id
    built from one, a shifted column). -#}
{% macro raw_row(columns) -%}
{%- set row -%}
concat_ws(';'
{%- for column in columns %}, '{{ column }}=' || coalesce({{ mask_cpr(column) if column == "cpr" else column }}, '')
{%- endfor %})
{%- endset -%}
{{ maskeret(row) }}
{%- endmacro %}

{#- The persons of an extract: each CPR text of `relation` once, with its birth date (NULL: not a
    valid CPR number) and its pseudonymous key. A person has several rows, so parsing and hashing
    each text once and joining them back by it cost half of doing it on every row. -#}
{% macro personer(relation, cpr) -%}
select {{ cpr }}, {{ cpr_birth_date(cpr) }} as foedselsdato, {{ person_key("replace(" ~ cpr ~ ", '-', '')") }} as person_key_p
from (select distinct {{ cpr }} from {{ relation }})
{%- endmacro %}

{#- A person's columns of a parsed row: the CPR digits, the pseudonymous key (only for the rows that
    are staged) and the birth date, the last two from personer (foedselsdato, person_key_p). -#}
{% macro person_columns(cpr) -%}
replace({{ cpr }}, '-', '') as cpr,
    case when reason is null then person_key_p end as person_key,
    foedselsdato
{%- endmacro %}

{#- Where a parsed row came from, its reason code, and for a quarantined row the row itself. -#}
{% macro quarantine_columns(columns) -%}
_file,
    _line,
    reason,
    case when reason is not null then {{ raw_row(columns) }} end as raw_row
{%- endmacro %}
