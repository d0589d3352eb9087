"""Spells, flows and durations (F1 tilgang, F2 afgang, V1 varighed) and the per-capita rows
(pr_1000_18_64 on 02-05, pr_indbygger on 11) from the optional extract befolkning: the real
`lis build` on hand-computed extracts, and the worked example of ../shared/examples/small.

Terms (indicators.md "Spells" and "Per capita"): a spell is a maximal run of days with an active
known service of a set (botilbud, dagtilbud, hjaelperordning; alle = any ydelse); a service starting
the day after another ends carries the spell on. M(s) = the first of s's month to s. F1 and F2 count
persons (once), V1 sums the spells' lengths so far (s - first day + 1) over their number.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.extract_builder import Extracts, Warehouse
from tests.test_indicators import born, counted, expect, published

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
# The contract's worked example; CI has shared/ beside the clone.
SHARED_SMALL = ROOT.parent / "shared" / "examples" / "small"
S = "2022-03-31"
GRUPPER = ["botilbud", "dagtilbud", "hjaelperordning"]
MINE = {"F1", "F2", "V1"}
PER_CAPITA = {"pr_1000_18_64", "pr_indbygger"}


def cases() -> Extracts:
    """One paying municipality per scenario, built as of 2022-03-31."""
    x = Extracts()
    # 201: adjacent services, one spell: §107 to 10 March, §108 from 11 March (no day between).
    a = born(1970, 1, 1, 1)
    x.ydelse("201", a, "107", "2021-01-01", "2022-03-10")
    x.ydelse("201", a, "108", "2022-03-11")
    # 202: a one-day gap (10 March), two spells: §104 to 9 March, §104 again from 11 March.
    b = born(1970, 1, 2, 2)
    x.ydelse("202", b, "104", "2021-06-01", "2022-03-09")
    x.ydelse("202", b, "104", "2022-03-11")
    # 203: C's §85 (support at home, in no group of the three) starts and ends inside March; D's §96
    # ends on s itself (its last day is in M(s), and it is active on s); E has two §103 spells
    # starting in March, and counts once.
    c, d, e = born(1980, 1, 3, 3), born(1980, 1, 4, 4), born(1980, 1, 5, 5)
    x.ydelse("203", c, "85", "2022-03-05", "2022-03-20")
    x.ydelse("203", d, "96", "2022-02-01", "2022-03-31")
    x.ydelse("203", e, "103", "2022-03-01", "2022-03-05")
    x.ydelse("203", e, "103", "2022-03-10", "2022-03-15")
    # 204: an open-ended spell from 15 June 2020 (before the reporting window), 1,000 a day; the
    # person is 71 on s (65+). befolkning has 204's population for 2022 only.
    f = born(1950, 5, 5, 6)
    x.ydelse("204", f, "107", "2020-06-15", None, takst=1000, takst_enhed="dag")
    # 205: a late registration: §104 in February; its continuation from 1 March was registered on
    # 10 March, so at 28 February the spell ended, and from 31 March it runs on.
    g = born(1990, 1, 7, 7)
    x.ydelse("205", g, "104", "2022-02-01", "2022-02-28")
    x.ydelse("205", g, "104", "2022-03-01", None, oprettet_dato="2022-03-10")
    return x


# befolkning in FOLK1A's shape with an extra column koen: for 204 in 2022, every age 0..99 with
# 10 men and 11 women, and DST's '100+' with 1 + 2; plus four bad rows, one per reason code.
# P(18-64) = 47 ages x 21 = 987; P(all) = 100 x 21 + 3 = 2,103. Nothing for 2021.
BEFOLKNING_BAD = [
    ("2022", "12", "M", "30", "5"),  # kommune_invalid
    ("2022", "204", "K", "tredive", "5"),  # number_invalid (age)
    ("2022", "204", "K", "31", "-5"),  # number_invalid (a negative count)
    ("2022", "204", "M", "32", ""),  # missing_required
]


def write_befolkning(folder: Path) -> None:
    rows = [("2022", "204", koen, str(alder), str(antal)) for alder in range(100)
            for koen, antal in (("M", 10), ("K", 11))]  # fmt: skip
    rows += [("2022", "204", "M", "100+", "1"), ("2022", "204", "K", "100+", "2")]
    with (folder / "befolkning.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["aar", "kommunekode", "koen", "alder", "antal"])
        writer.writerows(rows + BEFOLKNING_BAD)


@pytest.fixture(scope="module")
def spells(tmp_path_factory):
    base = tmp_path_factory.mktemp("forloeb")
    folder = cases().write(base / "extracts")
    write_befolkning(folder)
    return published(tmp_path_factory, "forloeb", folder, S)


@pytest.fixture(scope="module")
def small(request):
    """The contract's worked example as published: the session's build of tests/fixtures/small
    (conftest.py), which is a byte copy of shared/examples/small's extracts."""
    ours = ROOT / "tests" / "fixtures" / "small" / "extracts"
    assert sorted(p.name for p in ours.iterdir()) == sorted(
        p.name for p in (SHARED_SMALL / "extracts").iterdir()
    )
    for path in ours.iterdir():
        assert path.read_bytes() == (SHARED_SMALL / "extracts" / path.name).read_bytes(), path.name
    return Warehouse(request.getfixturevalue("published"))


def _number(text: str):
    return None if text == "" else float(text)


def test_worked_example_spells_and_per_capita_rows(small):
    """Every F1, F2, V1 and per-capita row of the contract's worked example, and no other."""
    with (SHARED_SMALL / "expected_2022-03-31.csv").open(encoding="utf-8") as handle:
        expected = {
            (r["kommunekode"], r["indicator"], r["breakdown"], r["breakdown_value"]): tuple(
                _number(r[c]) for c in ("numerator", "denominator", "value")
            )
            for r in csv.DictReader(handle, delimiter=";")
            if r["indicator"] in MINE or r["breakdown"] in PER_CAPITA
        }
    got = {
        key[:1] + key[2:]: value
        for key, value in small.rows(status_date=S).items()
        if key[2] in MINE or key[3] in PER_CAPITA
    }
    assert len(expected) == 41
    assert set(got) == set(expected)
    for key, want in expected.items():
        have = got[key]
        for h, w in zip(have, want, strict=True):
            assert (h is None and w is None) or abs(round(h, 6) - w) <= 1.01e-6, (key, have, want)


def test_adjacent_services_form_one_spell(spells):
    # 201: §107 2021-01-01..2022-03-10 and §108 from 2022-03-11 are one spell of alle and of
    # botilbud. Nothing starts or ends in March 2022; on s it has lasted 365 + 90 = 455 days.
    for opdeling, vaerdi in (("total", "total"), ("gruppe", "botilbud")):
        counted(spells, "201", S, "F1", opdeling, vaerdi, 0)
        counted(spells, "201", S, "F2", opdeling, vaerdi, 0)
        expect(spells, "201", S, "V1", opdeling, vaerdi, 455, 1, 455)
    # It started in January 2021: F1 at 2021-01-31.
    counted(spells, "201", "2021-01-31", "F1", "total", "total", 1)
    counted(spells, "201", "2021-01-31", "F1", "gruppe", "botilbud", 1)
    expect(spells, "201", S, "V1", "aldersgruppe", "50-64", 455, 1, 455)


def test_a_one_day_gap_forms_two_spells(spells):
    # 202: §104 to 9 March, nothing on 10 March, §104 from 11 March: one spell ends in March (F2)
    # and one starts (F1); on s the new one has lasted 11..31 March = 21 days.
    for opdeling, vaerdi in (("total", "total"), ("gruppe", "dagtilbud")):
        counted(spells, "202", S, "F1", opdeling, vaerdi, 1)
        counted(spells, "202", S, "F2", opdeling, vaerdi, 1)
        expect(spells, "202", S, "V1", opdeling, vaerdi, 21, 1, 21)
    counted(spells, "202", S, "F1", "gruppe", "botilbud", 0)


def test_spells_starting_and_ending_inside_the_month(spells):
    # 203 at s = 31 March: starting in March: C (§85, 5..20 March) and E (two §103 spells) → 2
    # persons; ending in March: C, D (§96 to 31 March = s) and E (twice) → 3 persons.
    counted(spells, "203", S, "F1", "total", "total", 2)
    counted(spells, "203", S, "F2", "total", "total", 3)
    # §85 without botilbudslignende is in no group; E's two dagtilbud spells count one person.
    counted(spells, "203", S, "F1", "gruppe", "dagtilbud", 1)
    counted(spells, "203", S, "F2", "gruppe", "dagtilbud", 1)
    counted(spells, "203", S, "F1", "gruppe", "hjaelperordning", 0)
    counted(spells, "203", S, "F2", "gruppe", "hjaelperordning", 1)
    counted(spells, "203", S, "F1", "gruppe", "botilbud", 0)
    # Active on s: D's spell only (1 February .. 31 March = 28 + 31 = 59 days).
    expect(spells, "203", S, "V1", "total", "total", 59, 1, 59)
    expect(spells, "203", S, "V1", "gruppe", "hjaelperordning", 59, 1, 59)
    expect(spells, "203", S, "V1", "gruppe", "dagtilbud", 0, 0, None)
    # At 28 February D's spell had started (F1) and not ended.
    counted(spells, "203", "2022-02-28", "F1", "total", "total", 1)
    counted(spells, "203", "2022-02-28", "F2", "total", "total", 0)


def test_an_open_ended_spell_has_no_last_day(spells):
    # 204: §107 from 15 June 2020, no slutdato: active on every status date, never an afgang, and
    # its length counts from 15 June 2020 (before the reporting window): 655 days on 31 March 2022,
    # 565 on 31 December 2021; the person is 71 on s (65+).
    expect(spells, "204", S, "V1", "total", "total", 655, 1, 655)
    expect(spells, "204", S, "V1", "gruppe", "botilbud", 655, 1, 655)
    expect(spells, "204", S, "V1", "aldersgruppe", "65+", 655, 1, 655)
    expect(spells, "204", S, "V1", "aldersgruppe", "50-64", 0, 0, None)
    expect(spells, "204", "2021-12-31", "V1", "total", "total", 565, 1, 565)
    for s in ("2021-01-31", "2021-06-30", "2021-12-31", S):
        counted(spells, "204", s, "F1", "total", "total", 0)
        counted(spells, "204", s, "F2", "total", "total", 0)
    (til,) = spells.query(
        "select distinct til from intermediate.int_forloeb where kommunekode = '204'"
    )
    assert til == (None,)


def test_a_late_registration_changes_a_spell_from_the_status_date_it_is_known(spells):
    # 205: at 28 February the continuation (registered 10 March) is not known: the spell of
    # 1..28 February ends then. At 31 March it is known: one spell from 1 February, no afgang, 59
    # days.
    counted(spells, "205", "2022-02-28", "F1", "total", "total", 1)
    counted(spells, "205", "2022-02-28", "F2", "total", "total", 1)
    counted(spells, "205", "2022-02-28", "F2", "gruppe", "dagtilbud", 1)
    counted(spells, "205", S, "F1", "total", "total", 0)
    counted(spells, "205", S, "F2", "total", "total", 0)
    expect(spells, "205", S, "V1", "total", "total", 59, 1, 59)


def test_per_capita_rows_sum_the_population_over_an_extra_column(spells):
    # 204 in 2022: P(18-64) = 987, P(all) = 2,103 (men and women summed, '100+' read as 100).
    # 02: HM(botilbud) = 90/90 = 1 → 1 x 1000 / 987; 03 and 04: 0; 05 = 02 + 03 + 04.
    expect(spells, "204", S, "02", "pr_1000_18_64", "total", 1000, 987, 1000 / 987)
    expect(spells, "204", S, "03", "pr_1000_18_64", "total", 0, 987, 0)
    expect(spells, "204", S, "04", "pr_1000_18_64", "total", 0, 987, 0)
    expect(spells, "204", S, "05", "pr_1000_18_64", "total", 1000, 987, 1000 / 987)
    # 11: 1,000 a day over the 365 days of 2022 = 365,000 kr per 2,103 inhabitants.
    expect(spells, "204", S, "11", "pr_indbygger", "total", 365000, 2103, 365000 / 2103)
    # The same population for every status date of 2022: 31 January, HM(botilbud) = 1.
    expect(spells, "204", "2022-01-31", "02", "pr_1000_18_64", "total", 1000, 987, 1000 / 987)


def test_a_year_without_population_rows_gets_no_per_capita_rows_and_a_warning(spells):
    per_capita = spells.query(
        "select distinct kommunekode, year(status_date) from marts.indicator_values "
        "where breakdown in ('pr_1000_18_64', 'pr_indbygger')"
    )
    assert per_capita == [("204", 2022)]
    # Every municipality's 2021 and every one but 204's 2022: 5 + 4 = 9 (municipality, year).
    warned = spells.query(
        "select unexpected_count, success from audit.expectation_results "
        "where model = 'intermediate.int_befolkning' and severity = 'warn'"
    )
    assert warned == [(9, False)]


def test_bad_population_rows_are_quarantined_with_their_reason(spells):
    got = spells.query(
        "select reason, count(*) from audit.quarantine where extract = 'befolkning' "
        "group by reason order by reason"
    )
    assert got == [("kommune_invalid", 1), ("missing_required", 1), ("number_invalid", 2)]
    (balanced,) = spells.query(
        "select rows_in_files, rows_staging, balanced from audit.reconciliation "
        "where extract = 'befolkning'"
    )
    assert balanced == (206, 202, True)
