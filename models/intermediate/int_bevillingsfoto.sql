-- One row is: a staged grant (a service of ydelser or a one-off grant of engangsbevillinger) as
-- this build knows it: what marts.aendringer's causes compare, and its cost at the status date in
-- its year. Published, it is the snapshot a build of a later month compares with. No CPR number:
-- an id that held one is staged as a pseudonym; its columns are declared once, in sources.yml.
with bevillinger as (
    select * from {{ ref('int_bevillinger') }}
),
engangsbevillinger as (
    select * from {{ ref('stg_engangsbevillinger') }}
),
paragraffer as (
    select * from {{ ref('paragraffer') }}
),
foto as (
    select
        date '{{ var("as_of") }}' as status_date,
        'ydelser' as udtraek,
        bevilling_id,
        kommunekode,
        omraade,
        startdato,
        slutdato,
        null as bevillingsdato,
        takst,
        takst_enhed,
        timer_pr_uge,
        null as beloeb,
        oprettet_dato
    from bevillinger
    union all
    select
        date '{{ var("as_of") }}',
        'engangsbevillinger',
        engangsbevillinger.bevilling_id,
        engangsbevillinger.kommunekode,
        paragraffer.omraade,
        null,
        null,
        engangsbevillinger.bevillingsdato,
        null,
        null,
        null,
        engangsbevillinger.beloeb,
        engangsbevillinger.oprettet_dato
    from engangsbevillinger
    join paragraffer using (paragraf)
),
final as (
    select *, {{ bevilling_udgift_7n('foto', 'foto', 'foto.oprettet_dato', 'foto.status_date',
                                     'make_date(year(foto.status_date), 1, 1)') }} as udgift_7n
    from foto
)
select
{%- for column in source_table_columns('publikation', 'aendringer_grundlag') %}
    cast({{ column.name }} as {{ column.type }}) as {{ column.name }}{{ "," if not loop.last }}
{%- endfor %}
from final
