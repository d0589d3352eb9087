-- One row is: an unbroken period in which a person received services of one counting set
-- (int_taellesaet's saet_id), overlapping services merged, clipped to the reporting window, as known from
-- status date `kendt_fra` up to (not including) `kendt_til` (NULL: still).
-- Services registered late (after they started) make a new version of a person's periods from
-- the status date they became known; each status date reads the version it knew. Every count
-- of persons and days comes from here.
-- Set and person are carried as one integer (saet_person) until the last step, and the person stays a
-- number (cpr_nr): 3.7 M texts (national) cost their making, writing and every reader's hashing. The set's texts
-- (municipality, group, breakdown and value) are not written on each of its millions of periods: a
-- model that needs them joins int_taellesaet (macro perioder_med_saet).
with statusdatoer as (
    select * from {{ ref('int_statusdatoer') }}
),
bevilling_grupper as (
    select * from {{ ref('int_bevilling_grupper') }}
),
-- each service in each of its sets, read once for both the sets' numbers and the spells
medlemmer as materialized (
    select saet_noegle, cpr, foedselsdato, startdato, slutdato, kendt_fra_taelling,
           opdeling_vaerdi is not null as med_vaerdi
    from bevilling_grupper
),
-- the sets' numbers as int_taellesaet gives them (by the four texts' order), from the integer key
saet_numre as (
    select saet_noegle, {{ saet_nummer('saet_noegle') }} as saet_id
    from (select distinct saet_noegle from medlemmer)
),
vindue as (
    select min(periode_start) as fra, max(status_date) as til, min(status_date) as foerste
    from statusdatoer
),
spells as (
    select {{ saet_person('taellesaet.saet_id', 'bevilling.cpr') }} as saet_person, bevilling.foedselsdato,
           greatest(bevilling.startdato, vindue.fra) as fra,
           least(coalesce(bevilling.slutdato, vindue.til), vindue.til) as til,
           bevilling.kendt_fra_taelling as kendt_fra
    from medlemmer as bevilling
    join saet_numre as taellesaet using (saet_noegle)
    cross join vindue
    -- a set with an unknown value holds no periods (NULL is equal to nothing)
    where bevilling.kendt_fra_taelling is not null and bevilling.med_vaerdi
      and bevilling.startdato <= vindue.til
      and coalesce(bevilling.slutdato, vindue.til) >= vindue.fra
),
-- Persons with a late registration in a set need versions; all others have one, from the start.
sene as (
    select distinct spells.saet_person
    from spells cross join vindue
    where spells.kendt_fra > vindue.foerste
),
enkle as (
    select spells.saet_person, spells.foedselsdato, spells.fra, spells.til
    from spells anti join sene using (saet_person)
),
versioner as (
    select saet_person, kendt_fra,
           lead(kendt_fra) over (partition by saet_person order by kendt_fra) as kendt_til
    from (select distinct spells.saet_person, spells.kendt_fra from spells semi join sene using (saet_person))
),
versionerede as (
    select versioner.saet_person, spells.foedselsdato, versioner.kendt_fra, versioner.kendt_til,
           spells.fra, spells.til
    from versioner
    join spells using (saet_person)
    where spells.kendt_fra <= versioner.kendt_fra
),
perioder as (
    select enkle_perioder.*, vindue.foerste as kendt_fra, null::date as kendt_til
    from ({{ sammenhaengende_perioder('enkle', ['saet_person'], med=['foedselsdato']) }}) as enkle_perioder
    cross join vindue
    union all
    select saet_person, foedselsdato, fra, til, kendt_fra, kendt_til
    from ({{ sammenhaengende_perioder('versionerede', ['saet_person', 'kendt_fra'], med=['kendt_til', 'foedselsdato']) }})
)
select {{ saet_af('perioder.saet_person') }} as saet_id, {{ cpr_nr_af('perioder.saet_person') }} as cpr_nr,
       perioder.foedselsdato, perioder.kendt_fra, perioder.kendt_til, perioder.fra, perioder.til
from perioder
