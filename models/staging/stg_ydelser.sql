-- One row is: one granted service (bevilling) under SEL that breaks no rule of the input contract.
select
    bevilling_id,
    cpr,
    person_key,
    foedselsdato,
    paragraf,
    startdato,
    slutdato,
    kommunekode,
    leverandoer_id,
    sagsbehandler_id,
    timer_pr_uge,
    takst,
    takst_enhed,
    botilbudslignende,
    maalgruppe,
    oprettet_dato,
    _file,
    _line
from {{ ref('parsed_ydelser') }}
where reason is null
