-- One row is: a status date this build computes: the given one (var as_of) and the last day of
-- every month from January of the previous year up to it, with its year and D(s).
with givet as (
    select date '{{ var("as_of") }}' as s
),
datoer as (
    select last_day(maaned::date) as status_date
    from givet cross join unnest(generate_series(make_date(year(s) - 1, 1, 1)::timestamp,
                                       date_trunc('month', s)::timestamp - interval 1 day,
                                       interval 1 month)) as maaneder(maaned)
    union
    select s from givet
)
select
    status_date,
    year(status_date) as aar,
    make_date(year(status_date), 1, 1) as periode_start,
    make_date(year(status_date), 12, 31) as aar_slut,
    date_diff('day', make_date(year(status_date), 1, 1), status_date) + 1 as dage,
    status_date = date '{{ var("as_of") }}' as er_givet
from datoer
order by status_date
