-- One row is: one row of the engangsbevillinger extract files (raw.engangsbevillinger), parsed into
-- types, with the first rule of the input contract it breaks as `reason` (NULL: it is staged).
{% set columns = source_columns('engangsbevillinger') %}
{% set required = required_columns('engangsbevillinger') -%}
with personer as (
    {{ personer(source('extracts', 'engangsbevillinger'), 'cpr') }}
),

typed as (
    select
        engangsbevillinger.*,
        personer.foedselsdato,
        personer.person_key_p,
        {{ parse_paragraf('paragraf') }} as paragraf_p,
        {{ parse_kommune('betalingskommune') }} as betalingskommune_p,
        {{ parse_date('bevillingsdato') }} as bevillingsdato_p,
        {{ parse_date('oprettet_dato') }} as oprettet_dato_p,
        {{ parse_decimal('beloeb') }} as beloeb_p
    from {{ source('extracts', 'engangsbevillinger') }} as engangsbevillinger
    left join personer using (cpr)
),

duplicates as (
    {{ duplicate_rows(source('extracts', 'engangsbevillinger'), columns, id='bevilling_id') }}
),

checked as (
    select
        typed.*,
        case
            when {{ any_missing(required) }}
                then 'missing_required'
            when foedselsdato is null then 'cpr_invalid'
            when {{ any_unparsed(['bevillingsdato', 'oprettet_dato']) }} then 'date_invalid'
            when bevillingsdato_p < foedselsdato then 'before_birth'
            when {{ paragraf_unknown('paragraf_p', ref('paragraffer'), 'engangsbevillinger') }} then 'paragraf_unknown'
            when betalingskommune_p is null then 'kommune_invalid'
            when {{ any_unparsed(['beloeb']) }} or {{ any_out_of_range(['beloeb']) }} then 'number_invalid'
            else duplicates.duplicate
        end as reason
    from typed
    left join duplicates using (_file, _line)
)

select
    {{ uden_cpr('bevilling_id') }} as bevilling_id,
    {{ person_columns('cpr') }},
    paragraf_p as paragraf,
    bevillingsdato_p as bevillingsdato,
    beloeb_p as beloeb,
    betalingskommune_p as kommunekode,
    {{ uden_cpr('sagsbehandler_id') }} as sagsbehandler_id,
    kategori,
    oprettet_dato_p as oprettet_dato,
    {{ quarantine_columns(columns) }}
from checked
