{#- Personal data in SQL, in one file: the pseudonymous person key, and CPR numbers hidden in text
    (an id, a file name, a shifted column), one rule for the whole project.
    A CPR run is six digits, an optional dash and four digits that are not part of a longer run of
    digits: 'CPR 010180-1111', '0101801112-1', 'a0101801234', 'borger_010180-1234.csv' all hold one.
    runner/privacy.py's CPR is the same rule in Python. RE2 has no look-around, so the characters
    either side are matched ([^0-9] or an end of the text) and put back. The digits are written out,
    not as [0-9]{6}: an expectation's query goes through str.format, where braces are placeholders. -#}
{% macro cpr_moenster() -%}
(^|[^0-9])({{ "[0-9]" * 6 }})-?({{ "[0-9]" * 4 }})([^0-9]|$)
{%- endmacro %}

{#- True when the text holds a CPR run. A run is ten digits, so shorter text (most ids, codes and
    breakdown values: 'B0000001', 'S223-0004') is answered from its length in bytes, without the
    pattern's search (a tenth of parsed_ydelser's parsing). -#}
{% macro har_cpr(column) -%}
(strlen({{ column }}) >= 10 and regexp_matches({{ column }}, '{{ cpr_moenster() }}'))
{%- endmacro %}

{#- The text with the pattern's runs rewritten, in two passes: a match takes the character after it,
    so a run one character after another is only found by the second pass. -#}
{% macro _omskriv_cpr(column, rewrite) -%}
regexp_replace(regexp_replace({{ column }}, '{{ cpr_moenster() }}', '{{ rewrite }}', 'g'),
               '{{ cpr_moenster() }}', '{{ rewrite }}', 'g')
{%- endmacro %}

{#- The text as shown outside the restricted layers: every CPR run masked as DDMMYY-XXXX. -#}
{% macro maskeret(column) -%}
{{ _omskriv_cpr(column, '\\1\\2-XXXX\\4') }}
{%- endmacro %}

{#- An id as staged: an id holding a CPR run (some systems key caseworkers by theirs, or build ids
    from one) becomes a keyed pseudonym of the id as written, the same wherever the id appears, so
    that references still match and no CPR number reaches marts or audit through an id. The hash
    input is marked as an id, so that the pseudonym is not the person key of the CPR number, and its
    hex digits are written as letters (a-p), so that no pseudonym looks like it holds a CPR run. -#}
{% macro uden_cpr(column) -%}
case when {{ har_cpr(column) }}
     then 'pseudonym-' || translate({{ person_key("'id:' || " ~ column) }}, '0123456789', 'ghijklmnop')
     else {{ column }} end
{%- endmacro %}

{#- The pseudonymous person key: a keyed hash of the CPR digits. Without the key (the run's
    secret) it cannot be turned back into a CPR number by hashing every possible one. -#}
{% macro person_key(cpr_digits) -%}
left(sha256('{{ var("pseudonym_key") | replace("'", "''") }}' || {{ cpr_digits }}), 16)
{%- endmacro %}
