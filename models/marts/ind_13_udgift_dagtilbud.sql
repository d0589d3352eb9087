-- One row is: indicator 13, Disponerede udgifter pr. bruger i dagforanstaltning, for a municipality,
-- status date and breakdown: DISP(dagtilbud, s) / APT(dagtilbud, s), the mean of the monthly point
-- counts of the status date's year up to s.
{{ udgift_pr_modtager('dagtilbud', [('total', 'total'), ('paragraf', '103'), ('paragraf', '104')],
                      maal='gennemsnit_punkttaellinger') }}
