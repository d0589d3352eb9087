{#- Parsing the text of the extracts (raw.*: trimmed, empty = NULL) into types, as the input
    contract (../shared/spec/extracts.md) allows it to be written. Each macro gives NULL for
    empty text and for text that does not parse; a staging model tells the two apart by
    looking at the raw text, and names the failure with the contract's reason code. -#}

{#- A date as YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY; a day that is not in the calendar gives NULL.
    The shape picks the format: that keeps '01-06-21' from being read as the year 21, and spares
    DuckDB trying a format that fails, which is slow. -#}
{% macro parse_date(column) -%}
cast(case when {{ column }} like '____-__-__' then try_strptime({{ column }}, '%Y-%m-%d')
          when {{ column }} like '__-__-____' then try_strptime({{ column }}, '%d-%m-%Y')
          when {{ column }} like '__.__.____' then try_strptime({{ column }}, '%d.%m.%Y') end as date)
{%- endmacro %}

{#- A decimal number with ',' or '.' as the decimal mark and no thousands separator. A sign is
    read, so that a negative amount is reported as negative rather than as unreadable. Read as
    fixed-point DECIMAL(18,6), never as a float, so that sums of amounts are exact; a seventh
    decimal rounds half away from zero, and a number of more than 12 digits before the mark is
    unreadable. -#}
{% macro parse_decimal(column) -%}
case when regexp_full_match({{ column }}, '-?\d+([.,]\d+)?') then try_cast(replace({{ column }}, ',', '.') as decimal(18, 6)) end
{%- endmacro %}

{% macro parse_year(column) -%}
case when regexp_full_match({{ column }}, '\d{4}') then cast({{ column }} as integer) end
{%- endmacro %}

{#- ja/nej, true/false, 1/0, x/empty, in any case; empty is false. -#}
{% macro parse_bool(column) -%}
case when {{ column }} is null then false
     when lower({{ column }}) in ('ja', 'true', '1', 'x') then true
     when lower({{ column }}) in ('nej', 'false', '0') then false end
{%- endmacro %}

{#- The SEL paragraph: '107', '§107', '§ 107', 'SEL § 107', '107 stk. 1' all give '107'; a letter is part
    of the paragraph: '82a', '§ 82 a', '82 A', 'SEL § 82a' all give '82a'. The key form of OS2bos,
    SEL-<paragraph>[-<part>]: a part starting with a digit is a stykke and dropped ('SEL-107-2.1':
    '107'); a single letter followed by nothing or a dot is the paragraph's letter ('SEL-82-a.1':
    '82a'); a reference (jf./jfr.) is dropped ('SEL-44-jfr. §84': '44'); any other part reads as
    nothing. Whether it is in the catalogue is a separate check (paragraf_unknown). -#}
{% macro parse_paragraf(column) -%}
{#- One pattern for both forms, its groups read at once as a struct (DuckDB evaluates the repeated
    call once): a/b the number and letter of the written form, c/d those of the key form. -#}
{%- set pattern = "'(?i)^(?:(?:SEL)?\\s*§?\\s*(\\d+)\\s*([a-z]?)\\s*(?:,?\\s*stk\\.?\\s*\\d+\\.?)?|SEL-(\\d+)(?:-(?:\\d.*|([a-z])(?:\\..*)?|jfr?[.\\s].*))?)$'" -%}
{%- set groups = "regexp_extract(" ~ column ~ ", " ~ pattern ~ ", ['a', 'b', 'c', 'd'])" -%}
{#- Digits alone ('107', most of an extract) are the paragraph as written: the pattern gives them
    back unchanged, at twice the cost of this test. -#}
case when regexp_full_match({{ column }}, '\d+') then {{ column }}
     else nullif({{ groups }}.a || {{ groups }}.c || lower({{ groups }}.b || {{ groups }}.d), '') end
{%- endmacro %}

{#- The paying municipality: a 3-digit code after trimming; a 4-digit code with a leading zero ('0101')
    is read as '101'. NULL for anything else ('1', '7510', 'abc'): the contract's kommune_invalid. -#}
{% macro parse_kommune(column) -%}
case when regexp_full_match(trim({{ column }}), '0?[0-9]{3}') then right(trim({{ column }}), 3) end
{%- endmacro %}

{#- An age in whole years (befolkning.alder): Statistics Denmark writes its oldest band as '100+'
    and may give '125'; they are read as 100 and 125. -#}
{% macro parse_alder(column) -%}
case when regexp_full_match({{ column }}, '\d{1,3}\+?') then cast(rtrim({{ column }}, '+') as integer) end
{%- endmacro %}

{#- A whole number >= 0 (befolkning.antal); a sign, a decimal mark or a separator does not parse. -#}
{% macro parse_antal(column) -%}
case when regexp_full_match({{ column }}, '\d{1,15}') then cast({{ column }} as bigint) end
{%- endmacro %}

{#- The unit of a takst: dag, maaned, aar or time; 'Måned' and 'år' are read as maaned and aar. -#}
{% macro parse_takst_enhed(column) -%}
case when replace(replace(lower({{ column }}), 'å', 'aa'), 'æ', 'ae') in ('dag', 'maaned', 'aar', 'time')
     then replace(replace(lower({{ column }}), 'å', 'aa'), 'æ', 'ae') end
{%- endmacro %}

{#- The birth date in a CPR number written DDMMYY-SSSS or DDMMYYSSSS; NULL when the text is not
    such a number or its date part is not a real date (the contract's cpr_invalid). The century
    comes from the 7th digit (the serial's first, fourth from the end in both forms) and YY: 0-3:
    1900s; 4 or 9: 2000s if YY <= 36, else 1900s; 5-8: 2000s if YY <= 57, else 1800s. Compared
    and joined as text (one digit, two digits), which orders as the numbers do: casts to integers
    and back cost a third of the parsing. No modulus-11 check: numbers issued since 2007 may fail it. -#}
{% macro cpr_birth_date(column) -%}
{%- set d7 = "left(right(" ~ column ~ ", 4), 1)" -%}
{%- set yy = "substr(" ~ column ~ ", 5, 2)" -%}
{#- try_strptime, not try(make_date(...)): try() makes DuckDB evaluate row by row wherever one
    row of a vector fails, and that cost seconds on a million rows with a few bad dates. -#}
case when regexp_full_match({{ column }}, '\d{6}-?\d{4}') then cast(try_strptime(
    case when {{ d7 }} <= '3' then '19'
         when {{ d7 }} in ('4', '9') then case when {{ yy }} <= '36' then '20' else '19' end
         else case when {{ yy }} <= '57' then '20' else '18' end end
    || {{ yy }} || substr({{ column }}, 3, 2) || substr({{ column }}, 1, 2), '%Y%m%d') as date) end
{%- endmacro %}
