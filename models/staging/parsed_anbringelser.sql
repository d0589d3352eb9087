-- One row is: one row of the anbringelser extract files (raw.anbringelser), parsed into types,
-- with the first rule of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('anbringelser') %}
{% set required = required_columns('anbringelser') -%}
with personer as (
    {{ personer(source('extracts', 'anbringelser'), 'cpr') }}
),

typed as (
    select
        anbringelser.*,
        personer.foedselsdato,
        personer.person_key_p,
        {{ parse_kommune('betalingskommune') }} as betalingskommune_p,
        {{ parse_date('startdato') }} as startdato_p,
        {{ parse_date('slutdato') }} as slutdato_p,
        {{ parse_date('oprettet_dato') }} as oprettet_dato_p,
        {{ parse_decimal('takst') }} as takst_p,
        {{ parse_takst_enhed('takst_enhed') }} as takst_enhed_p
    from {{ source('extracts', 'anbringelser') }} as anbringelser
    left join personer using (cpr)
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'anbringelser'), columns, id='anbringelse_id') }}
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
            when betalingskommune_p is null then 'kommune_invalid'
            when {{ any_unparsed(['takst']) }} or {{ any_out_of_range(['takst']) }} then 'number_invalid'
            when takst is not null and takst_enhed_p is null then 'unit_invalid'
            else duplicates.duplicate
        end as reason
    from typed
    left join duplicates using (_file, _line)
)

select
    {{ uden_cpr('anbringelse_id') }} as anbringelse_id,
    {{ person_columns('cpr') }},
    lower(anbringelsestype) as anbringelsestype,
    startdato_p as startdato,
    slutdato_p as slutdato,
    betalingskommune_p as kommunekode,
    {{ uden_cpr('leverandoer_id') }} as leverandoer_id,
    coalesce(takst_p, 0) as takst,
    case when takst_p is not null then takst_enhed_p end as takst_enhed,
    oprettet_dato_p as oprettet_dato,
    {{ quarantine_columns(columns) }}
from checked
