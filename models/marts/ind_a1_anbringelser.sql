-- One row is: indicator A1, Antal anbragte boern fordelt paa anbringelsestyper, for a municipality,
-- status date and breakdown: HM of all placements, in total and per placement type.
{{ optaelling('anbringelse', [('total', 'total'), ('anbringelsestype', 'netvaerksplejefamilie'), ('anbringelsestype', 'plejefamilie'),
                              ('anbringelsestype', 'kommunal_plejefamilie'), ('anbringelsestype', 'opholdssted'),
                              ('anbringelsestype', 'doegninstitution'), ('anbringelsestype', 'eget_vaerelse'),
                              ('anbringelsestype', 'kostskole_efterskole')]) }}
