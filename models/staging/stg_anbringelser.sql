-- One row is: one placement of a child outside the home that breaks no rule of the input contract.
select
    anbringelse_id,
    cpr,
    person_key,
    foedselsdato,
    anbringelsestype,
    startdato,
    slutdato,
    kommunekode,
    leverandoer_id,
    takst,
    takst_enhed,
    oprettet_dato,
    _file,
    _line
from {{ ref('parsed_anbringelser') }}
where reason is null
