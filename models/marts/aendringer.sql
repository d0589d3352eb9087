-- One row is: a municipality, an area of 11 (or total) and a row of the month's change in 11's
-- disposed expenses (interface.md, marts.aendringer): the baseline's figure (forrige), a cause, or
-- today's (nu), in kroner for the year of the status date, converted once from the exact sum.
with aendringer as (
    select * from {{ ref('int_aendringer') }}
),
final as (
    select
        kommunekode,
        forrige_status_date,
        status_date,
        omraade,
        aarsag,
        {{ som_kroner('udgift_7n', 'status_date') }} as beloeb,
        cast(bevillinger as bigint) as bevillinger
    from aendringer
)
select * from final
