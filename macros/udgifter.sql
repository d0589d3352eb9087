{#- Disponerede udgifter: the daily cost of an active service, as indicators.md defines it. -#}

{#- Cost of dage days of an active service in a year of dage_i_aar days (365 or 366): the daily cost
    of indicators.md times the days. Multiplied before divided, so whole-krone takster give whole
    yearly sums (850000 per aar over 365 days is 850000, not 850000.0000000001). No takst costs 0. -#}
{% macro udgift_for_dage(takst, takst_enhed, timer_pr_uge, dage_i_aar, dage) -%}
CASE {{ takst_enhed }}
    WHEN 'dag' THEN {{ takst }} * {{ dage }}
    WHEN 'maaned' THEN {{ takst }} * 12 * {{ dage }} / {{ dage_i_aar }}
    WHEN 'aar' THEN {{ takst }} * {{ dage }} / {{ dage_i_aar }}
    WHEN 'time' THEN {{ takst }} * coalesce({{ timer_pr_uge }}, 0) * {{ dage }} / 7
    ELSE 0
END
{%- endmacro %}

{#- Disposed expenses of services per municipality, status date and the given columns of
    int_udgifter_pr_bevilling: the year of the status date, services known then. Summed per
    first-known status date before the join, so the join is small. -#}
{% macro disponeret_pr_statusdato(kolonner, hvor='true') -%}
SELECT u.kommunekode, sd.status_date, {% for k in kolonner %}u.{{ k }}, {% endfor %}sum(u.udgift) AS udgift
FROM (
    SELECT kommunekode, aar, kendt_fra_status, {% for k in kolonner %}{{ k }}, {% endfor %}sum(udgift) AS udgift
    FROM {{ ref('int_udgifter_pr_bevilling') }}
    WHERE {{ hvor }}
    GROUP BY ALL
) u
JOIN {{ ref('int_statusdatoer') }} sd ON sd.aar = u.aar AND u.kendt_fra_status <= sd.status_date
GROUP BY ALL
{%- endmacro %}

{#- Disposed expenses of a group per municipality, status date and breakdown (total and paragraf):
    DISP(G, s) of indicators.md; paragraph 85 counts in botilbud only when botilbudslignende. -#}
{% macro disponeret_gruppe(gruppe) -%}
WITH pr_paragraf AS (
    {{ disponeret_pr_statusdato(['paragraf'],
       "paragraf IN (SELECT paragraf FROM " ~ ref('ydelsesgrupper') ~ " WHERE gruppe = '" ~ gruppe ~ "'
        AND (NOT kun_botilbudslignende::BOOLEAN OR botilbudslignende))") }}
)
SELECT kommunekode, status_date, 'paragraf' AS opdeling, paragraf AS opdeling_vaerdi, udgift FROM pr_paragraf
UNION ALL
SELECT kommunekode, status_date, 'total', 'total', sum(udgift) FROM pr_paragraf GROUP BY ALL
{%- endmacro %}

{#- An expense-per-recipient indicator: DISP(G, s) over a measure of int_helaarsmodtagere. -#}
{% macro udgift_pr_modtager(gruppe, opdelinger, maal='helaarsmodtagere') -%}
WITH udgift AS ({{ disponeret_gruppe(gruppe) }})
SELECT s.kommunekode, s.status_date, s.opdeling, s.opdeling_vaerdi,
       coalesce(u.udgift, 0) AS taeller, coalesce(h.{{ maal }}, 0)::DOUBLE AS naevner,
       {{ kvotient('coalesce(u.udgift, 0)', 'h.' ~ maal) }} AS vaerdi
FROM ({{ indikator_skelet(opdelinger) }}) s
LEFT JOIN udgift u USING (kommunekode, status_date, opdeling, opdeling_vaerdi)
LEFT JOIN {{ ref('int_helaarsmodtagere') }} h
  ON h.kommunekode = s.kommunekode AND h.status_date = s.status_date AND h.gruppe = '{{ gruppe }}'
 AND h.opdeling = s.opdeling AND h.opdeling_vaerdi = s.opdeling_vaerdi
{%- endmacro %}
