{#- Parsing the text of the extracts (raw.*: trimmed, empty = NULL) into types, as the input
    contract (../shared/spec/extracts.md) allows it to be written. Each macro gives NULL for
    empty text and for text that does not parse; a staging model tells the two apart by
    looking at the raw text, and names the failure with the contract's reason code. -#}

{#- A date as YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY; a day that is not in the calendar gives NULL.
    The shape picks the format: that keeps '01-06-21' from being read as the year 21, and spares
    DuckDB trying a format that fails, which is slow. -#}
{% macro parse_date(column) -%}
CAST(CASE WHEN {{ column }} LIKE '____-__-__' THEN try_strptime({{ column }}, '%Y-%m-%d')
          WHEN {{ column }} LIKE '__-__-____' THEN try_strptime({{ column }}, '%d-%m-%Y')
          WHEN {{ column }} LIKE '__.__.____' THEN try_strptime({{ column }}, '%d.%m.%Y') END AS DATE)
{%- endmacro %}

{#- A decimal number with ',' or '.' as the decimal mark and no thousands separator. A sign is
    read, so that a negative amount is reported as negative rather than as unreadable. Read as
    fixed-point DECIMAL(18,6), never as a float, so that sums of amounts are exact; a seventh
    decimal rounds half away from zero, and a number of more than 12 digits before the mark is
    unreadable. -#}
{% macro parse_decimal(column) -%}
CASE WHEN regexp_full_match({{ column }}, '-?\d+([.,]\d+)?') THEN try_cast(replace({{ column }}, ',', '.') AS DECIMAL(18, 6)) END
{%- endmacro %}

{% macro parse_year(column) -%}
CASE WHEN regexp_full_match({{ column }}, '\d{4}') THEN CAST({{ column }} AS INTEGER) END
{%- endmacro %}

{#- ja/nej, true/false, 1/0, x/empty, in any case; empty is false. -#}
{% macro parse_bool(column) -%}
CASE WHEN {{ column }} IS NULL THEN false
     WHEN lower({{ column }}) IN ('ja', 'true', '1', 'x') THEN true
     WHEN lower({{ column }}) IN ('nej', 'false', '0') THEN false END
{%- endmacro %}

{#- The SEL paragraph: '107', '§107', '§ 107', 'SEL § 107', '107 stk. 1' all give '107'; a letter is part
    of the paragraph: '82a', '§ 82 a', '82 A', 'SEL § 82a' all give '82a'. Whether it is in the
    catalogue is a separate check (paragraf_unknown). -#}
{% macro parse_paragraf(column) -%}
{%- set pattern = "'(?i)^(?:SEL)?\\s*§?\\s*(\\d+)\\s*([a-z]?)\\s*(?:,?\\s*stk\\.?\\s*\\d+\\.?)?$'" -%}
nullif(regexp_extract({{ column }}, {{ pattern }}, 1) || lower(regexp_extract({{ column }}, {{ pattern }}, 2)), '')
{%- endmacro %}

{#- The paying municipality: a 3-digit code after trimming; a 4-digit code with a leading zero ('0101')
    is read as '101'. NULL for anything else ('1', '7510', 'abc'): the contract's kommune_invalid. -#}
{% macro parse_kommune(column) -%}
CASE WHEN regexp_full_match(trim({{ column }}), '0?[0-9]{3}') THEN right(trim({{ column }}), 3) END
{%- endmacro %}

{#- The unit of a takst: dag, maaned, aar or time; 'Måned' and 'år' are read as maaned and aar. -#}
{% macro parse_takst_enhed(column) -%}
CASE WHEN replace(replace(lower({{ column }}), 'å', 'aa'), 'æ', 'ae') IN ('dag', 'maaned', 'aar', 'time')
     THEN replace(replace(lower({{ column }}), 'å', 'aa'), 'æ', 'ae') END
{%- endmacro %}

{#- The birth date in a CPR number written DDMMYY-SSSS or DDMMYYSSSS; NULL when the text is not
    such a number or its date part is not a real date (the contract's cpr_invalid). The century
    comes from the 7th digit and YY: 0-3: 1900s; 4 or 9: 2000s if YY <= 36, else 1900s; 5-8: 2000s
    if YY <= 57, else 1800s. No modulus-11 check: numbers issued since 2007 may fail it. -#}
{% macro cpr_birth_date(column) -%}
{%- set digits = "replace(" ~ column ~ ", '-', '')" -%}
{%- set yy = "CAST(substr(" ~ digits ~ ", 5, 2) AS INTEGER)" -%}
{%- set d7 = "CAST(substr(" ~ digits ~ ", 7, 1) AS INTEGER)" -%}
{#- try_strptime, not try(make_date(...)): try() makes DuckDB evaluate row by row wherever one
    row of a vector fails, and that cost seconds on a million rows with a few bad dates. -#}
CASE WHEN regexp_full_match({{ column }}, '\d{6}-?\d{4}') THEN CAST(try_strptime(
    CAST({{ yy }} + CASE WHEN {{ d7 }} <= 3 THEN 1900
                         WHEN {{ d7 }} IN (4, 9) THEN CASE WHEN {{ yy }} <= 36 THEN 2000 ELSE 1900 END
                         ELSE CASE WHEN {{ yy }} <= 57 THEN 2000 ELSE 1800 END END AS VARCHAR)
    || substr({{ digits }}, 3, 2) || substr({{ digits }}, 1, 2), '%Y%m%d') AS DATE) END
{%- endmacro %}
