-- One row is: indicator F1, Tilgang: nye modtagere i maaneden, for a municipality, status date and
-- breakdown: persons whose spell (int_forloeb) of alle starts in M(s), from the first of s's month to
-- s; per gruppe, persons whose spell of that group starts then.
{{ forloeb_personer('fra') }}
