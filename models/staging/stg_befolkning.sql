-- One row is: one population row (a year, a municipality, an age and a number of inhabitants, one
-- part of them where the file splits them further) that breaks no rule of the contract.
select aar, kommunekode, alder, antal
from {{ ref('parsed_befolkning') }}
where reason is null
