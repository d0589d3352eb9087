-- One row is: a grant of the baseline this build compared with (marts.aendringer): the snapshot
-- of the last publication of an earlier month, as runner/baseline.py took it from the publication
-- replaced. Published, so that the next build of the same month carries it forward. Empty when
-- there is nothing to compare with (int_aendringer_kilde says why).
with grundlag as (
    select * from {{ source('publikation', 'aendringer_grundlag') }}
)
select * from grundlag
