-- One row is: one provider (tilbud/leverandør) that breaks no rule of the input contract.
select leverandoer_id, navn, leverandoertype, ejerkommune
from {{ ref('parsed_leverandoerer') }}
where reason is null
