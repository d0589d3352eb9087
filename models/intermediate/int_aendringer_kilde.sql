-- One row is: this build's baseline for marts.aendringer: the publication it replaced, the
-- baseline's status date s0 (empty: no comparison) and why.
with kilde as (
    select * from {{ source('publikation', 'aendringer_kilde') }}
)
select * from kilde
