-- One row is: indicator 09, Aldersfordeling af modtagere, for a municipality, status date and breakdown:
-- persons with any active service on s by age group (age on s); and the same for botilbud, dagtilbud
-- and hjaelperordning as breakdowns aldersgruppe:<gruppe>; and persons with an active service of each
-- target group on s (breakdown maalgruppe: a person of two groups counts in both).
with modtagere_efter_alder as (
    select * from {{ ref('int_modtagere_efter_alder') }}
),
helaarsmodtagere as (
    select * from {{ ref('int_helaarsmodtagere') }}
),
aldersgrupper as (
    select * from {{ ref('aldersgrupper') }}
),
maalgrupper as (
    select * from {{ ref('maalgrupper') }}
),
optalt as (
    select kommunekode, status_date,
           case gruppe when 'alle' then 'aldersgruppe' else 'aldersgruppe:' || gruppe end as opdeling,
           aldersgruppe as opdeling_vaerdi, personer as antal
    from modtagere_efter_alder
    union all
    select kommunekode, status_date, opdeling, opdeling_vaerdi, punkttaelling
    from helaarsmodtagere
    where opdeling in ('total', 'maalgruppe') and gruppe = 'alle'
),
skelet as (
    select kommunekode, status_date, 'total' as opdeling, 'total' as opdeling_vaerdi
    from ({{ indikator_skelet([('total', 'total')]) }})
    union all
    select kommune.kommunekode, kommune.status_date, opdelinger.opdeling, aldersgrupper.aldersgruppe
    from ({{ indikator_skelet([('total', 'total')]) }}) as kommune
    cross join (values ('aldersgruppe'), ('aldersgruppe:botilbud'), ('aldersgruppe:dagtilbud'),
                       ('aldersgruppe:hjaelperordning')) as opdelinger(opdeling)
    cross join aldersgrupper
    union all
    select kommunekode, status_date, 'maalgruppe', maalgruppe
    from ({{ indikator_skelet([('total', 'total')]) }})
    cross join (select distinct maalgruppe from maalgrupper)
)
select skelet.kommunekode, skelet.status_date, skelet.opdeling, skelet.opdeling_vaerdi,
       coalesce(sum(optalt.antal), 0)::double as taeller, null::double as naevner,
       coalesce(sum(optalt.antal), 0)::double as vaerdi
from skelet
left join optalt using (kommunekode, status_date, opdeling, opdeling_vaerdi)
group by all
