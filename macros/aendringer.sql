{#- marts.aendringer (indicators.md, "Changes since the previous month"): a grant's cost. -#}

{#- cost(g, s) as udgift_7n of the year beginning aar_start (Y, the year of this build's status
    date): a service's disposed expense over the days of Y when known at s; a one-off grant's
    beloeb when known at s and dated in J..s of Y; else 0. Price (takst, takst_enhed, timer_pr_uge,
    beloeb) and dates (startdato, slutdato, bevillingsdato, udtraek) are read from the relations
    `pris` and `datoer`, which may be two versions of the grant (the cause periode: the baseline's
    price with today's dates); `oprettet_dato` and `status_date` say when it is known. The
    arithmetic is int_udgifter_pr_bevilling's and 11's (macros/udgifter.sql). -#}
{% macro bevilling_udgift_7n(pris, datoer, oprettet_dato, status_date, aar_start) -%}
{%- set aar_slut = "make_date(year(" ~ aar_start ~ "), 12, 31)" -%}
cast(case
    when {{ oprettet_dato }} > {{ status_date }} then 0
    when {{ datoer }}.udtraek = 'ydelser' then
        {{ udgift_7n_for_dage(pris ~ '.takst', pris ~ '.takst_enhed', pris ~ '.timer_pr_uge', dage_i_aar(aar_start),
           overlap_dage(datoer ~ '.startdato', 'coalesce(' ~ datoer ~ '.slutdato, ' ~ aar_slut ~ ')', aar_start, aar_slut)) }}
    when {{ datoer }}.bevillingsdato between {{ aar_start }} and {{ status_date }} then {{ kroner_7n(pris ~ '.beloeb', aar_start) }}
    else 0
end as decimal(38, 12))
{%- endmacro %}
