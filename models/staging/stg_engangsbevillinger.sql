-- One row is: one one-off grant (§112 hjælpemidler, §114 bil) that breaks no rule of the input contract.
select
    bevilling_id,
    cpr,
    person_key,
    foedselsdato,
    paragraf,
    bevillingsdato,
    beloeb,
    kommunekode,
    sagsbehandler_id,
    kategori,
    oprettet_dato,
    _file,
    _line
from {{ ref('parsed_engangsbevillinger') }}
where reason is null
