-- One row is: one row of the ydelser extract files (raw.ydelser), parsed into types, with the
-- first rule of the input contract it breaks as `reason` (NULL: it breaks none and is staged).
{% set columns = source_columns('ydelser') %}
{% set required = required_columns('ydelser') -%}
with personer as (
    {{ personer(source('extracts', 'ydelser'), 'cpr') }}
),

typed as (
    select
        ydelser.*,
        personer.foedselsdato,
        personer.person_key_p,
        {{ parse_paragraf('paragraf') }} as paragraf_p,
        {{ parse_kommune('betalingskommune') }} as betalingskommune_p,
        {{ parse_date('startdato') }} as startdato_p,
        {{ parse_date('slutdato') }} as slutdato_p,
        {{ parse_date('oprettet_dato') }} as oprettet_dato_p,
        {{ parse_decimal('timer_pr_uge') }} as timer_pr_uge_p,
        {{ parse_decimal('takst') }} as takst_p,
        {{ parse_takst_enhed('takst_enhed') }} as takst_enhed_p,
        {{ parse_bool('botilbudslignende') }} as botilbudslignende_p
    from {{ source('extracts', 'ydelser') }} as ydelser
    left join personer using (cpr)
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'ydelser'), columns, id='bevilling_id') }}
),

checked as (
    select
        typed.*,
        case
            when {{ any_missing(required) }}
                then 'missing_required'
            when foedselsdato is null then 'cpr_invalid'
            when {{ any_unparsed(['startdato', 'slutdato', 'oprettet_dato']) }} then 'date_invalid'
            when slutdato_p < startdato_p then 'period_invalid'
            when startdato_p < foedselsdato then 'before_birth'
            when {{ paragraf_unknown('paragraf_p', ref('paragraffer'), 'ydelser') }} then 'paragraf_unknown'
            when betalingskommune_p is null then 'kommune_invalid'
            when {{ any_unparsed(['timer_pr_uge', 'takst']) }} or {{ any_out_of_range(['timer_pr_uge', 'takst']) }}
                or {{ udgift_for_stor('takst_p', 'takst_enhed_p', 'timer_pr_uge_p') }}
                then 'number_invalid'
            when takst is not null and takst_enhed_p is null then 'unit_invalid'
            when {{ any_unparsed(['botilbudslignende']) }} then 'boolean_invalid'
            else duplicates.duplicate
        end as reason
    from typed
    left join duplicates using (_file, _line)
)

select
    {{ uden_cpr('bevilling_id') }} as bevilling_id,
    {{ person_columns('cpr') }},
    paragraf_p as paragraf,
    startdato_p as startdato,
    slutdato_p as slutdato,
    betalingskommune_p as kommunekode,
    {{ uden_cpr('leverandoer_id') }} as leverandoer_id,
    {{ uden_cpr('sagsbehandler_id') }} as sagsbehandler_id,
    timer_pr_uge_p as timer_pr_uge,
    coalesce(takst_p, 0) as takst,
    case when takst_p is not null then takst_enhed_p end as takst_enhed,
    botilbudslignende_p as botilbudslignende,
    maalgruppe,
    oprettet_dato_p as oprettet_dato,
    {{ quarantine_columns(columns) }}
from checked
