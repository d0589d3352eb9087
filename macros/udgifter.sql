{#- Disponerede udgifter: the daily cost of an active service, as indicators.md defines it.

    Money is exact. A takst is a fixed-point DECIMAL; the daily cost divides it by N, the days of
    the year (maaned, aar), or by 7 (time), so a service's expense in a year is a fraction whose
    denominator divides 7 x N. It is carried as udgift_7n = the expense x 7 x N, an exact
    DECIMAL(38, 12), and summed exactly; every expense of one status date belongs to one year, so
    one N serves the whole sum. It is divided once, in the marts (som_kroner). -#}

{#- N: the days of the year of a date (365 or 366). -#}
{% macro dage_i_aar(dato) -%}
date_diff('day', make_date(year({{ dato }}), 1, 1), make_date(year({{ dato }}) + 1, 1, 1))
{%- endmacro %}

{#- Cost x 7 x N of dage days of an active service in a year of dage_i_aar (N) days: the daily
    cost of indicators.md times the days, exactly (in DECIMAL(38, x): no overflow of 18 digits).
    The whole factors are multiplied first, as integers (at most 12 x 366 x 7 x 366), so that the
    128-bit decimal arithmetic is one multiplication (two for time), not three. No takst costs 0.
    Each product of 6 decimals is cast to 12 in its own branch: left to the CASE to widen, the same
    exact values cost five times the CPU (DuckDB 2.0; 0.44 against 0.08 s for 1.4 M services). -#}
{% macro udgift_7n_for_dage(takst, takst_enhed, timer_pr_uge, dage_i_aar, dage) -%}
{%- set takst = "cast(" ~ takst ~ " as DECIMAL(38, 6))" -%}
cast(case {{ takst_enhed }}
    when 'dag' then cast({{ takst }} * ({{ dage }} * 7 * {{ dage_i_aar }}) as decimal(38, 12))
    when 'maaned' then cast({{ takst }} * (12 * {{ dage }} * 7) as decimal(38, 12))
    when 'aar' then cast({{ takst }} * ({{ dage }} * 7) as decimal(38, 12))
    when 'time' then {{ takst }} * coalesce({{ timer_pr_uge }}, 0) * ({{ dage }} * {{ dage_i_aar }})
    else 0
end as decimal(38, 12))
{%- endmacro %}

{#- True when a service would cost more than var('max_udgift_pr_aar') kroner in a whole year (366
    days): the bound within which every expense and every sum of them is carried exactly in
    DECIMAL(38, 12) (udgift_7n of one year <= the bound x 7 x 366 = 2.6 x 10^15, 28 digits with the
    12 decimals that takst x timer_pr_uge needs: too wide for a BIGINT's 18, so a HUGEINT; a sum is
    converted by som_kroner while its whole kroner x 10^18 fits a HUGEINT, some 1.7 x 10^8 such
    services). Staging quarantines such a row as number_invalid. In DOUBLE, which cannot overflow
    here: 999999999999 kr an hour for 999999999999 hours a week overflowed the exact arithmetic. -#}
{% macro udgift_for_stor(takst, takst_enhed, timer_pr_uge) -%}
(cast({{ takst }} as double) * case {{ takst_enhed }}
    when 'dag' then 366
    when 'maaned' then 12
    when 'aar' then 1
    when 'time' then coalesce(cast({{ timer_pr_uge }} as double), 0) * 366 / 7
    else 0
end > {{ var('max_udgift_pr_aar') }})
{%- endmacro %}

{#- An amount in kroner (a one-off grant's beloeb) counted at a status date, as udgift_7n. -#}
{% macro kroner_7n(beloeb, status_date) -%}
cast(cast({{ beloeb }} as decimal(38, 6)) * 7 * {{ dage_i_aar(status_date) }} as decimal(38, 12))
{%- endmacro %}

{#- The nearest DOUBLE to an exact DECIMAL (DuckDB reads decimal text correctly rounded; a DECIMAL
    cast straight to DOUBLE can be off by a unit in the last place beyond 2^53 units). -#}
{% macro som_double(decimal) -%}
cast(cast({{ decimal }} as varchar) as double)
{%- endmacro %}

{#- udgift_7n of a status date's year split exactly into whole kroner and the rest: udgift_7n =
    hele x 7N + rest, 0 <= rest < 7N; rest_e12 is the rest in units of 10^-12 (an integer). -#}
{% macro syv_n(status_date) -%}(7 * {{ dage_i_aar(status_date) }}){%- endmacro %}
{% macro rest_7n(udgift_7n, status_date) -%}(({{ udgift_7n }}) % {{ syv_n(status_date) }}){%- endmacro %}
{% macro hele_kroner(udgift_7n, status_date) -%}
(cast(({{ udgift_7n }}) - {{ rest_7n(udgift_7n, status_date) }} as hugeint) // {{ syv_n(status_date) }})
{%- endmacro %}
{% macro rest_e12(udgift_7n, status_date) -%}
cast({{ rest_7n(udgift_7n, status_date) }} * 1000000000000 as hugeint)
{%- endmacro %}

{#- The one conversion of money to DOUBLE, in the marts: udgift_7n / (7 x N) in kroner, rounded half
    up to 18 decimals (exact for every amount in kroner and oere), then the nearest DOUBLE:
    0,10 + 0,20 kr is 0.3, and 97999324.35 never 97999324.35000001. Two routes to the same 18
    decimals: in BIGINTs, written as text, wherever the whole part of udgift_7n is >= 0 and fits a
    BIGINT (so every term below stays under 10^18), and in HUGEINTs for the rest (a negative
    change in aendringer, a sum beyond 9.2 x 10^18 x 7N): the HUGEINT route's divisions cost a
    third more. -#}
{% macro som_kroner(udgift_7n, status_date) -%}
coalesce({{ som_kroner_bigint(udgift_7n, status_date) }}, {{ som_kroner_hugeint(udgift_7n, status_date) }})
{%- endmacro %}

{#- udgift_7n = hele x 7N + rest (0 <= rest < 7N), the rest in units of 10^-12, then its 18
    decimals rest x 10^6 / 7N = q x 10^6 + r x 10^6 / 7N (rest = q x 7N + r), rounded half up; NULL
    where the whole part is negative or beyond a BIGINT. -#}
{% macro som_kroner_bigint(udgift_7n, status_date) -%}
{%- set hel = "try_cast(try_cast(floor(" ~ udgift_7n ~ ") as ubigint) as bigint)" -%}
{%- set rest = "((" ~ hel ~ " % " ~ syv_n(status_date) ~ ") * 1000000000000 + cast(((" ~ udgift_7n
    ~ ") - floor(" ~ udgift_7n ~ ")) * 1000000000000 as bigint))" -%}
cast(({{ hel }} // {{ syv_n(status_date) }})::varchar || '.' || lpad((({{ rest }} // {{ syv_n(status_date) }}) * 1000000
    + (({{ rest }} % {{ syv_n(status_date) }}) * 2000000 + {{ syv_n(status_date) }}) // (2 * {{ syv_n(status_date) }}))::varchar, 18, '0') as double)
{%- endmacro %}

{% macro som_kroner_hugeint(udgift_7n, status_date) -%}
{{ som_double("cast(" ~ hele_kroner(udgift_7n, status_date) ~ " * 1000000000000000000 + ("
   ~ rest_e12(udgift_7n, status_date) ~ " * 2000000 + " ~ syv_n(status_date) ~ ") // (2 * "
   ~ syv_n(status_date) ~ ") as DECIMAL(38, 0)) * 0.000000000000000001") }}
{%- endmacro %}

{#- Disposed expenses (udgift_7n) of services per municipality, status date and the given columns
    of int_udgifter_pr_bevilling: the year of the status date, services known then. Summed per
    first-known status date before the join, so the join is small. -#}
{% macro disponeret_pr_statusdato(kolonner, hvor='true') -%}
select udgift.kommunekode, statusdato.status_date, {% for k in kolonner %}udgift.{{ k }}, {% endfor %}sum(udgift.udgift_7n) as udgift_7n
from (
    select kommunekode, aar, kendt_fra_status, {% for k in kolonner %}{{ k }}, {% endfor %}sum(udgift_7n) as udgift_7n
    from {{ ref('int_udgifter_pr_bevilling') }}
    where {{ hvor }}
    group by all
) as udgift
join {{ ref('int_statusdatoer') }} as statusdato
  on statusdato.aar = udgift.aar and udgift.kendt_fra_status <= statusdato.status_date
group by all
{%- endmacro %}

{#- Disposed expenses (udgift_7n) of a group per municipality, status date and breakdown (total and
    paragraf): DISP(G, s) of indicators.md; paragraph 85 counts in botilbud only when botilbudslignende. -#}
{% macro disponeret_gruppe(gruppe) -%}
with pr_paragraf as (
    {{ disponeret_pr_statusdato(['paragraf'],
       "paragraf in (select paragraf from " ~ ref('ydelsesgrupper') ~ " where gruppe = '" ~ gruppe ~ "'
        and (not kun_botilbudslignende::BOOLEAN or botilbudslignende))") }}
)
select kommunekode, status_date, 'paragraf' as opdeling, paragraf as opdeling_vaerdi, udgift_7n from pr_paragraf
union all
select kommunekode, status_date, 'total', 'total', sum(udgift_7n) from pr_paragraf group by all
{%- endmacro %}

{#- An expense-per-recipient indicator: DISP(G, s) over a measure of int_helaarsmodtagere. -#}
{% macro udgift_pr_modtager(gruppe, opdelinger, maal='helaarsmodtagere') -%}
with udgift as ({{ disponeret_gruppe(gruppe) }}),
maalt as (
    select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
           {{ som_kroner('coalesce(udgift.udgift_7n, 0)', 'skelet.status_date') }} as taeller,
           coalesce(modtagere.{{ maal }}, 0)::double as naevner
    from ({{ indikator_skelet(opdelinger) }}) as skelet
    left join udgift using (kommunekode, status_date, opdeling, opdeling_vaerdi)
    left join {{ ref('int_helaarsmodtagere') }} as modtagere
      on modtagere.kommunekode = skelet.kommunekode and modtagere.status_date = skelet.status_date
     and modtagere.gruppe = '{{ gruppe }}'
     and modtagere.opdeling = skelet.opdeling and modtagere.opdeling_vaerdi = skelet.opdeling_vaerdi
)
select *, {{ kvotient('taeller', 'naevner') }} as vaerdi from maalt
{%- endmacro %}
