-- One row is: an age in whole years (0-130) with its age band from seed aldersgrupper, so that
-- counts join ages by equality rather than by range.
SELECT t.alder, a.aldersgruppe
FROM {{ ref('aldersgrupper') }} a, range(a.fra_alder::INTEGER, least(a.til_alder::INTEGER, 130) + 1) AS t(alder)
