-- One row is: a status date this build computes: the given one (var as_of) and the last day of
-- every month from January of the previous year up to it, with its year and D(s).
WITH givet AS (
    SELECT DATE '{{ var("as_of") }}' AS s
),
datoer AS (
    SELECT last_day(m::DATE) AS status_date
    FROM givet, unnest(generate_series(make_date(year(s) - 1, 1, 1)::TIMESTAMP,
                                       date_trunc('month', s)::TIMESTAMP - INTERVAL 1 DAY,
                                       INTERVAL 1 MONTH)) AS t(m)
    UNION
    SELECT s FROM givet
)
SELECT
    status_date,
    year(status_date) AS aar,
    make_date(year(status_date), 1, 1) AS periode_start,
    make_date(year(status_date), 12, 31) AS aar_slut,
    date_diff('day', make_date(year(status_date), 1, 1), status_date) + 1 AS dage,
    status_date = DATE '{{ var("as_of") }}' AS er_givet
FROM datoer
ORDER BY status_date
