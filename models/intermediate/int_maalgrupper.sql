-- One row is: a value of ydelser.maalgruppe as staged ('' for an empty one) with its target group
-- from seed maalgrupper (indicators.md): a DST code by the longest code of the seed it falls under,
-- any other value by the seed's texts, both normalised (macros/maalgrupper.sql); empty is uoplyst,
-- and a value the seed does not know is andet (a warning, never a quarantine).
with ydelser as (
    select * from {{ ref('stg_ydelser') }}
),
maalgrupper as (
    select * from {{ ref('maalgrupper') }}
),
vaerdier as (
    select coalesce(maalgruppe, '') as vaerdi, count(*) as ydelser
    from ydelser
    group by all
),
noegler as (
    select vaerdi, ydelser, {{ maalgruppe_noegle('vaerdi') }} as noegle from vaerdier
),
efter_kode as (
    select noegle.vaerdi, arg_max(kode.maalgruppe, length(kode.dst_kode)) as maalgruppe
    from noegler as noegle
    join maalgrupper as kode
      on kode.dst_kode is not null and {{ under_dst_kode('noegle.noegle', 'kode.dst_kode') }}
    where {{ er_dst_kode('noegle.noegle') }}
    group by noegle.vaerdi
),
efter_tekst as (
    select noegle.vaerdi, min(tekst.maalgruppe) as maalgruppe
    from noegler as noegle
    join maalgrupper as tekst
      on tekst.tekst is not null and {{ maalgruppe_noegle('tekst.tekst') }} = noegle.noegle
    where not {{ er_dst_kode('noegle.noegle') }}
    group by noegle.vaerdi
)
select
    noegle.vaerdi,
    noegle.noegle,
    case when noegle.noegle = '' then 'uoplyst'
         else coalesce(efter_kode.maalgruppe, efter_tekst.maalgruppe, 'andet') end as maalgruppe,
    noegle.ydelser
from noegler as noegle
left join efter_kode using (vaerdi)
left join efter_tekst using (vaerdi)
