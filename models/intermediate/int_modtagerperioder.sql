-- One row is: an unbroken period in which a person received services of one counting set
-- (int_taellesaet), overlapping services merged, clipped to the reporting window, as known from
-- status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered late (after they started) make a new version of a person's periods from
-- the status date they became known; each status date reads the version it knew. Every count
-- of persons and days comes from here.
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
bevilling_grupper as (
    select * from {{ ref('int_bevilling_grupper') }}
),
taellesaet as (
    select * from {{ ref('int_taellesaet') }}
),
vindue as (
    select min(periode_start) as fra, max(status_date) as til, min(status_date) as foerste
    from statusdatoer
),
spells as (
    select distinct taellesaet.saet_id, bevilling.cpr, bevilling.foedselsdato,
           greatest(bevilling.startdato, vindue.fra) as fra,
           least(coalesce(bevilling.slutdato, vindue.til), vindue.til) as til,
           bevilling.kendt_fra_taelling as kendt_fra
    from bevilling_grupper as bevilling
    join taellesaet using (kommunekode, gruppe, opdeling, opdeling_vaerdi)
    cross join vindue
    where bevilling.kendt_fra_taelling is not null
      and bevilling.startdato <= vindue.til
      and coalesce(bevilling.slutdato, vindue.til) >= vindue.fra
),
-- Persons with a late registration in a set need versions; all others have one, from the start.
sene as (
    select distinct spells.saet_id, spells.cpr
    from spells cross join vindue
    where spells.kendt_fra > vindue.foerste
),
enkle as (
    select spells.saet_id, spells.cpr, spells.foedselsdato, spells.fra, spells.til
    from spells anti join sene using (saet_id, cpr)
),
versioner as (
    select saet_id, cpr, kendt_fra,
           lead(kendt_fra) over (partition by saet_id, cpr order by kendt_fra) as kendt_til
    from (select distinct spells.saet_id, spells.cpr, spells.kendt_fra from spells semi join sene using (saet_id, cpr))
),
versionerede as (
    select distinct versioner.saet_id, versioner.cpr, spells.foedselsdato, versioner.kendt_fra,
           versioner.kendt_til, spells.fra, spells.til
    from versioner
    join spells using (saet_id, cpr)
    where spells.kendt_fra <= versioner.kendt_fra
),
perioder as (
    select enkle_perioder.*, vindue.foerste as kendt_fra, null::date as kendt_til
    from ({{ sammenhaengende_perioder('enkle', ['saet_id', 'cpr', 'foedselsdato']) }}) as enkle_perioder
    cross join vindue
    union all
    select saet_id, cpr, foedselsdato, fra, til, kendt_fra, kendt_til
    from ({{ sammenhaengende_perioder('versionerede', ['saet_id', 'cpr', 'foedselsdato', 'kendt_fra', 'kendt_til']) }})
)
select taellesaet.kommunekode, taellesaet.gruppe, taellesaet.opdeling, taellesaet.opdeling_vaerdi,
       perioder.cpr, perioder.foedselsdato, perioder.kendt_fra, perioder.kendt_til, perioder.fra,
       perioder.til, perioder.saet_id
from perioder join taellesaet using (saet_id)
