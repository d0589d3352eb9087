-- One row is: indicator F2, Afgang: modtagere hvis forloeb slutter i maaneden, for a municipality,
-- status date and breakdown: persons whose spell (int_forloeb) of alle has its last day in M(s), from
-- the first of s's month to s (as known at s: a known service from the next day carries it on); per
-- gruppe, the same on that group's own spells.
{{ forloeb_personer('til') }}
