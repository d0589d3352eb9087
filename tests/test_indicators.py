"""Hand-computed indicator cases: each runs the REAL `lis build` on a tiny extract folder and reads
the published marts.indicator_values read-only.

Every expected number below is worked out from ../shared/spec/indicators.md by hand; the
arithmetic is in the comments and, where it helps, left in the code as the expression itself.
Builds are shared per module (one per extract folder), so the whole file runs a handful of builds:

- `small`  : the worked example (tests/fixtures/small/extracts), as of 2022-03-31;
- `cases`  : one folder, as of 2022-03-31, one paying municipality per scenario (the spec computes
             every indicator per betalingskommune separately, so scenarios cannot disturb each
             other); each scenario's rows (`@scenario`) sit just above the tests that read them;
- `kl2023` : KL's own 21/90 example, as of 2023-03-31;
- `leap`   : leap-year cases, as of 2024-03-31;
- `dirty`  : a folder with one quarantined row, for the CPR scan.

Conventions used in the comments: s = status date, D(s) = days from 1 January to s, both included;
HM = helaarsmodtagere = (person, day) pairs in J..s / D(s); PT = persons active on a day; DISP = the
year's disposed expenses of known services over every active day of J..E (open-ended runs to E).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.extract_builder import Extracts, Warehouse, build, cpr

# builds a warehouse: deselect with -m 'not e2e' for the quick subset
pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
SMALL = HERE / "fixtures" / "small"
PARAGRAFFER = HERE.parent / "seeds" / "paragraffer.csv"

S = "2022-03-31"  # the status date of the 2022 builds; D(s) = 31 + 28 + 31 = 90, N(2022) = 365
STATUS_DATES_2022 = [
    "2021-01-31",
    "2021-02-28",
    "2021-03-31",
    "2021-04-30",
    "2021-05-31",
    "2021-06-30",
    "2021-07-31",
    "2021-08-31",
    "2021-09-30",
    "2021-10-31",
    "2021-11-30",
    "2021-12-31",
    "2022-01-31",
    "2022-02-28",
    "2022-03-31",
]
INDICATORS = [*(f"{number:02d}" for number in range(1, 16)), "A1", "F1", "F2", "V1"]
ALDERSGRUPPER = ["0-15", "16-17", "18-23", "24-49", "50-64", "65+"]
ANBRINGELSESTYPER = [
    "netvaerksplejefamilie",
    "plejefamilie",
    "kommunal_plejefamilie",
    "opholdssted",
    "doegninstitution",
    "eget_vaerelse",
    "kostskole_efterskole",
]
OMRAADER = [
    "botilbud",
    "dagtilbud",
    "hjaelperordning",
    "stoette_i_eget_hjem",
    "merudgift_hjaelpemidler",
]
UDGIFTSINTERVALLER = ["0-250000", "250000-500000", "500000-1000000", "1000000-2000000", "2000000+"]
MAALGRUPPER = ["fysisk", "kognitiv", "sindslidelse", "socialt", "andet", "uoplyst"]
MAALGRUPPE = {("maalgruppe", g) for g in MAALGRUPPER}

# The contract's breakdowns per indicator (indicators.md), besides total/total. Caseworker ids are
# checked separately: 08 and 10 may only name caseworkers of the extract.
# Per capita, where the population (befolkning) is known: the worked example's, not the cases'.
PER_CAPITA = {
    **dict.fromkeys(["02", "03", "04", "05"], {("pr_1000_18_64", "total")}),
    "11": {("pr_indbygger", "total")},
}
BREAKDOWNS = {
    "01": {("paragraf", p) for p in ["83", "85", "95", "96", "97", "98", "99"]},
    "02": {("paragraf", p) for p in ["107", "108", "85"]} | MAALGRUPPE,
    "03": {("paragraf", p) for p in ["103", "104"]} | MAALGRUPPE,
    "04": {("paragraf", p) for p in ["95", "96"]} | MAALGRUPPE,
    "05": {("paragraf", p) for p in ["107", "108", "85", "103", "104", "95", "96"]} | MAALGRUPPE,
    "06": {("refusionssats", r) for r in ["25", "50", "75"]}
    | {("udgiftsinterval", i) for i in UDGIFTSINTERVALLER},
    "07": {("leverandoertype", t) for t in ["egen", "ekstern", "ukendt"]},
    "08": set(),
    "09": {
        (b, a)
        for b in [
            "aldersgruppe",
            "aldersgruppe:botilbud",
            "aldersgruppe:dagtilbud",
            "aldersgruppe:hjaelperordning",
        ]
        for a in ALDERSGRUPPER
    }
    | MAALGRUPPE,
    "10": set(),
    "11": {("omraade", o) for o in OMRAADER},
    "12": {("paragraf", p) for p in ["107", "108", "85"]},
    "13": {("paragraf", p) for p in ["103", "104"]},
    "14": {("paragraf", p) for p in ["95", "96"]},
    "15": {("paragraf", p) for p in ["100", "112", "114"]},
    "A1": {("anbringelsestype", t) for t in ANBRINGELSESTYPER},
    "F1": {("gruppe", g) for g in ["botilbud", "dagtilbud", "hjaelperordning"]},
    "F2": {("gruppe", g) for g in ["botilbud", "dagtilbud", "hjaelperordning"]},
    "V1": {("gruppe", g) for g in ["botilbud", "dagtilbud", "hjaelperordning"]}
    | {("aldersgruppe", a) for a in ALDERSGRUPPER},
}
PER_CASEWORKER = {"08", "10"}


# --------------------------------------------------------------------------------------------
# helpers


def close(actual, expected) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)


def expect(
    wh: Warehouse,
    kommune: str,
    s: str,
    indicator: str,
    breakdown: str,
    breakdown_value: str,
    numerator,
    denominator,
    value,
) -> None:
    """One row must be (numerator, denominator, value); None means NULL. A breakdown row whose value
    would be 0 or empty may be left out of the build (indicators.md), and then passes."""
    got = wh.row(kommune, s, indicator, breakdown, breakdown_value)
    where = f"{kommune} {s} {indicator} {breakdown}={breakdown_value}"
    if got is None:
        assert breakdown != "total" and (value is None or value == 0), (
            f"{where}: no row in the build"
        )
        return
    want = (numerator, denominator, value)
    assert all(close(g, w) for g, w in zip(got, want, strict=True)), (
        f"{where}: build {got}, by hand {want}"
    )


def counted(wh, kommune, s, indicator, breakdown, breakdown_value, n) -> None:
    """A plain count: numerator n, no denominator, value n."""
    expect(wh, kommune, s, indicator, breakdown, breakdown_value, n, None, n)


def zero_or_absent(wh, kommune, s, indicator, breakdown, breakdown_value) -> None:
    got = wh.row(kommune, s, indicator, breakdown, breakdown_value)
    assert got is None or got[2] in (0, None), (
        f"{kommune} {s} {indicator} {breakdown}={breakdown_value}: "
        f"expected no row or a 0 row, build gave {got}"
    )


def published(tmp_path_factory, name: str, extracts: Extracts | Path, as_of: str) -> Warehouse:
    base = tmp_path_factory.mktemp(name)
    folder = extracts if isinstance(extracts, Path) else extracts.write(base / "extracts")
    return Warehouse(build(folder, as_of, base / "w.duckdb"))


# --------------------------------------------------------------------------------------------
# the extract folders


def born(y, m, d, serial):
    return cpr(date(y, m, d), serial)


SCENARIOS_2022: list[Callable[[Extracts], None]] = []


def scenario(add: Callable[[Extracts], None]) -> Callable[[Extracts], None]:
    """A municipality of the cases build: its extract rows, beside the assertions on it."""
    SCENARIOS_2022.append(add)
    return add


def cases_2022() -> Extracts:
    """The cases build, as of 2022-03-31: one paying municipality per scenario, each written
    beside the tests that read it (@scenario below)."""
    x = Extracts()
    x.leverandoer("L1", "egen")
    x.leverandoer("L2", "privat")
    x.leverandoer("L3", "anden_kommune")
    x.leverandoer("L4", "region")
    for s_id in ("S1", "S2", "S3"):
        x.sagsbehandler(s_id)

    for add in SCENARIOS_2022:
        add(x)
    return x


# --------------------------------------------------------------------------------------------
# builds, one per folder for the whole module


@pytest.fixture(scope="module")
def small(published) -> Warehouse:
    """The worked example's publication as of S, shared by the session (conftest.py)."""
    return Warehouse(published)


@pytest.fixture(scope="module")
def cases_extracts() -> Extracts:
    return cases_2022()


@pytest.fixture(scope="module")
def cases(tmp_path_factory, cases_extracts) -> Warehouse:
    return published(tmp_path_factory, "cases", cases_extracts, S)


@pytest.fixture(scope="module")
def kl2023(tmp_path_factory) -> Warehouse:
    return published(tmp_path_factory, "kl2023", kl_2023(), "2023-03-31")


@pytest.fixture(scope="module")
def leap(tmp_path_factory) -> Warehouse:
    return published(tmp_path_factory, "leap", leap_2024(), "2024-03-31")


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    extracts, bad = dirty_2022()
    return published(tmp_path_factory, "dirty", extracts, S), extracts, bad


# --------------------------------------------------------------------------------------------
# 1. the worked example, every expected row


def _number(text: str):
    return None if text == "" else float(text)


def test_worked_example_matches_every_expected_row(small):
    with (SMALL / "expected_2022-03-31.csv").open(encoding="utf-8") as handle:
        expected = {
            (r["kommunekode"], S, r["indicator"], r["breakdown"], r["breakdown_value"]): (
                _number(r["numerator"]),
                _number(r["denominator"]),
                _number(r["value"]),
            )
            for r in csv.DictReader(handle, delimiter=";")
        }
    got = small.rows(status_date=S)
    problems = []
    for key, want in sorted(expected.items()):
        if key not in got:
            if key[3] == "total" or want[2] not in (None, 0):
                problems.append(f"missing {key}: expected {want}")
            continue
        have = tuple(None if v is None else round(v, 6) for v in got[key])
        same = all(
            (h is None and w is None) or (h is not None and w is not None and abs(h - w) <= 1.01e-6)
            for h, w in zip(have, want, strict=True)
        )
        if not same:
            problems.append(f"{key}: build {have}, expected {want}")
    for key in sorted(set(got) - set(expected)):
        if got[key][2] not in (None, 0):
            problems.append(f"extra row {key}: {got[key]}")
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# 2. the contract's 21/90 example


def kl_2023() -> Extracts:
    x = Extracts()
    x.sagsbehandler("S1")
    # KL's own example: BPA (§96) from 11 March 2023, status 31 March 2023.
    x.ydelse(
        "751",
        born(1990, 6, 15, 1),
        "96",
        "2023-03-11",
        None,
        timer_pr_uge=40,
        sagsbehandler_id="S1",
    )
    return x


def test_kl_bpa_example_21_of_90(kl2023):
    # BPA (§96) from 11 March 2023; s = 31 March 2023, D(s) = 31 + 28 + 31 = 90.
    # Days in J..s: 11..31 March = 21 → HM = 21/90 = 0.233333.
    counted(kl2023, "751", "2023-03-31", "04", "total", "total", 21 / 90)
    counted(kl2023, "751", "2023-03-31", "04", "paragraf", "96", 21 / 90)
    counted(kl2023, "751", "2023-03-31", "04", "paragraf", "95", 0)
    # 01: Σ timer over J..s / D(s) = 40 × 21 / 90 = 9.333333; HM(timer) = 21/90; value 40 hours a
    # week.
    expect(kl2023, "751", "2023-03-31", "01", "total", "total", 40 * 21 / 90, 21 / 90, 40.0)
    # 28 February 2023: not started → 0; 08 at s: one caseworker with one person → 1/1.
    counted(kl2023, "751", "2023-02-28", "04", "total", "total", 0)
    expect(kl2023, "751", "2023-03-31", "08", "total", "total", 1, 1, 1.0)


def test_a_year_without_refusion_thresholds_gives_no_06_rows(kl2023):
    # refusionsgraenser has 2020-2022 only: 2023's status dates get no 06 rows; 2022's do.
    rows = kl2023.query(
        "SELECT DISTINCT year(status_date) FROM marts.indicator_values WHERE indicator = '06'"
    )
    assert {r[0] for r in rows} == {2022}


# --------------------------------------------------------------------------------------------
# 3. two overlapping §107 grants of one person count once a day


@scenario
def kommune_201(x: Extracts) -> None:
    # 201 (case 3): overlapping grants of one group count once a day.
    p1, p2 = born(1980, 1, 1, 1), born(1980, 1, 2, 2)
    x.ydelse("201", p1, "107", "2022-01-01", "2022-02-15", leverandoer_id="L1")
    x.ydelse("201", p1, "107", "2022-02-01", None, leverandoer_id="L1")
    x.ydelse("201", p2, "108", "2022-01-01", None, leverandoer_id="L2")
    x.ydelse("201", p2, "107", "2022-03-01", "2022-03-31", leverandoer_id="L3")


def test_overlapping_grants_count_once_per_day(cases):
    # 201, s = 2022-03-31, D = 90.
    # P1: §107 1 Jan-15 Feb and §107 1 Feb-open: every day of J..s once → 90/90 = 1 (not 105/90).
    # P2: §108 1 Jan-open (90 days) and §107 1-31 March (31 days): in botilbud once a day → 1.
    counted(cases, "201", S, "02", "total", "total", 2.0)
    counted(
        cases, "201", S, "02", "paragraf", "107", (90 + 31) / 90
    )  # each paragraph on its own: 1.344444
    counted(cases, "201", S, "02", "paragraf", "108", 1.0)
    counted(cases, "201", S, "02", "paragraf", "85", 0)
    # 07: P1 with L1 (egen) → 1; P2 with L2 (privat) and L3 (anden_kommune), both ekstern, once a
    # day → 1.
    counted(cases, "201", S, "07", "leverandoertype", "egen", 1.0)
    counted(cases, "201", S, "07", "leverandoertype", "ekstern", 1.0)
    counted(cases, "201", S, "07", "total", "total", 2.0)
    # 28 February: D = 59; P1 59/59, P2 59/59 (§108) → 2; §107 only P1 → 1.
    counted(cases, "201", "2022-02-28", "02", "total", "total", 2.0)
    counted(cases, "201", "2022-02-28", "02", "paragraf", "107", 1.0)
    # 05 = 02 + 03 + 04 = 2 + 0 + 0
    counted(cases, "201", S, "05", "total", "total", 2.0)
    counted(cases, "201", S, "05", "paragraf", "107", 121 / 90)


# --------------------------------------------------------------------------------------------
# 4. a grant ending on the status date and one starting the day after


@scenario
def kommune_202(x: Extracts) -> None:
    # 202 (cases 4 and 15): grants ending on s, the day before s, starting the day after s; no
    # timer services.
    x.ydelse("202", born(1981, 1, 1, 3), "104", "2022-01-01", "2022-03-31")  # P3: active on s
    x.ydelse("202", born(1981, 1, 2, 4), "104", "2022-04-01", None)  # P4: starts s + 1
    x.ydelse("202", born(1981, 1, 3, 5), "103", "2022-01-01", "2022-03-30")  # P5: ended s - 1
    x.ydelse(
        "202", born(1981, 1, 4, 6), "108", "2022-01-01", "2022-03-31", takst=1000, takst_enhed="dag"
    )  # P6
    x.ydelse(
        "202", born(1981, 1, 5, 7), "108", "2022-04-01", None, takst=1000, takst_enhed="dag"
    )  # P7


def test_grant_ending_on_s_counts_and_one_starting_the_day_after_does_not(cases):
    # 202, s = 2022-03-31. P3 §104 to 31 March (active on s); P4 §104 from 1 April; P5 §103 to
    # 30 March.
    counted(cases, "202", S, "03", "total", "total", 1)
    counted(cases, "202", S, "03", "paragraf", "104", 1)
    counted(cases, "202", S, "03", "paragraf", "103", 0)
    # 28 February: P3 and P5 active → 2.
    counted(cases, "202", "2022-02-28", "03", "total", "total", 2)
    # HM: P6 §108 1 Jan-31 March → 90/90 = 1; P7 §108 from 1 April → 0 days in J..s.
    counted(cases, "202", S, "02", "total", "total", 1.0)
    # 09: persons with any service active on s: P3 and P6 → 2.
    counted(cases, "202", S, "09", "total", "total", 2)
    # 12: P7 adds nothing to the count but its year is disposed: DISP = 1000 × 90 (P6, 1 Jan-31 Mar)
    # + 1000 × 275 (P7, 1 Apr-31 Dec) = 365,000; HM = 1 → 365,000.
    expect(cases, "202", S, "12", "total", "total", 1000 * 90 + 1000 * 275, 1.0, 365000.0)


# --------------------------------------------------------------------------------------------
# 5. open-ended grants: HM up to s, DISP to 31 December


@scenario
def kommune_203(x: Extracts) -> None:
    # 203 (cases 5 and 11): open-ended grants; no budget rows at all for 203.
    x.ydelse(
        "203",
        born(1982, 1, 1, 8),
        "96",
        "2022-02-01",
        None,
        timer_pr_uge=20,
        takst=30000,
        takst_enhed="maaned",
    )
    x.ydelse("203", born(1982, 1, 2, 9), "108", "2021-01-01", None, takst=1000, takst_enhed="dag")


def test_open_ended_grant(cases):
    # 203, s = 2022-03-31. P8: §96 from 1 Feb, open, 20 h/week, 30,000 a month.
    # HM(hjaelperordning) = (28 + 31) / 90 = 59/90 = 0.655556.
    counted(cases, "203", S, "04", "total", "total", 59 / 90)
    counted(cases, "203", S, "04", "paragraf", "96", 59 / 90)
    # DISP: 30,000 × 12 / 365 a day over 1 Feb-31 Dec = 334 days → 329,424.657534;
    # / (59/90) = 502,512.189459.
    disp_96 = 30000 * 12 / 365 * 334
    expect(cases, "203", S, "14", "total", "total", disp_96, 59 / 90, disp_96 / (59 / 90))
    expect(cases, "203", S, "14", "paragraf", "96", disp_96, 59 / 90, disp_96 / (59 / 90))
    # 01: 20 × 59 / 90 = 13.111111 hours over HM(timer) 59/90 → 20 hours a week.
    expect(cases, "203", S, "01", "total", "total", 20 * 59 / 90, 59 / 90, 20.0)
    # P9: §108 from 2021-01-01, open, 1,000 a day: HM 1; DISP 2022 = 1000 × 365 → 12 = 365,000.
    expect(cases, "203", S, "12", "total", "total", 365000.0, 1.0, 365000.0)
    # Mid 2021 (2021-06-30, D = 181): HM 181/181 = 1; DISP 2021 = 1000 × 365 (to 31 Dec 2021).
    expect(cases, "203", "2021-06-30", "12", "total", "total", 365000.0, 1.0, 365000.0)
    # 31 January 2022: P8 not started → HM 0, but its whole year is already disposed → value NULL.
    expect(cases, "203", "2022-01-31", "14", "total", "total", disp_96, 0.0, None)


# --------------------------------------------------------------------------------------------
# 6. leap year 2024


def leap_2024() -> Extracts:
    x = Extracts()
    # 301: a `maaned` takst in a leap year, and days around 29 February.
    x.ydelse(
        "301", born(1970, 1, 1, 1), "108", "2023-12-01", None, takst=36600, takst_enhed="maaned"
    )  # P
    x.ydelse(
        "301", born(1970, 1, 2, 2), "107", "2024-03-01", "2024-03-31", takst=100, takst_enhed="dag"
    )  # P2
    x.ydelse(
        "301", born(1970, 1, 3, 3), "107", "2024-02-29", "2024-02-29", takst=500, takst_enhed="dag"
    )  # P3
    # 302: an `aar` takst in a leap year.
    x.ydelse("302", born(1970, 1, 4, 4), "108", "2024-01-01", None, takst=366000, takst_enhed="aar")
    # 303: KL's BPA example moved to 2024: from 11 March, status 31 March 2024.
    x.ydelse("303", born(1970, 1, 5, 5), "96", "2024-03-11", None, timer_pr_uge=40)
    return x


def test_leap_year(leap):
    s = "2024-03-31"  # D(s) = 31 + 29 + 31 = 91; N(2024) = 366
    # 301: P §108 from 1 Dec 2023 (91 days of J..s), P2 §107 1-31 March (31), P3 §107 29 Feb only
    # (1).
    counted(leap, "301", s, "02", "total", "total", (91 + 31 + 1) / 91)  # 1.351648
    counted(leap, "301", s, "02", "paragraf", "108", 1.0)
    counted(leap, "301", s, "02", "paragraf", "107", (31 + 1) / 91)  # 0.351648
    # DISP 2024: P 36,600 × 12 / 366 = 1,200 a day × 366 days = 439,200 (with /365 it would be
    # 440,403.29); P2 100 × 31 = 3,100; P3 500 × 1 = 500. Total 442,800 / (123/91) = 327,609.756098.
    expect(leap, "301", s, "12", "paragraf", "108", 439200.0, 1.0, 439200.0)
    expect(leap, "301", s, "12", "total", "total", 442800.0, 123 / 91, 442800.0 / (123 / 91))
    # February's status date is the 29th: D = 60; P 60 days, P3 1 day → 61/60.
    counted(leap, "301", "2024-02-29", "02", "total", "total", 61 / 60)
    # 2023-12-31 (D = 365): P 31 days → 31/365; DISP 2023 = 36,600 × 12 / 365 × 31 = 37,301.917808
    # → / (31/365) = 439,200.
    disp_2023 = 36600 * 12 / 365 * 31
    expect(
        leap,
        "301",
        "2023-12-31",
        "12",
        "total",
        "total",
        disp_2023,
        31 / 365,
        disp_2023 / (31 / 365),
    )
    # 302: `aar` 366,000 / 366 = 1,000 a day × 366 days = 366,000; HM 91/91.
    expect(leap, "302", s, "12", "total", "total", 366000.0, 1.0, 366000.0)
    # 303: BPA from 11 March 2024: 21 days / 91 = 0.230769 (not 21/90).
    counted(leap, "303", s, "04", "total", "total", 21 / 91)
    expect(leap, "303", s, "01", "total", "total", 40 * 21 / 91, 21 / 91, 40.0)


def test_leap_year_status_dates(leap):
    dates = {
        r[0] for r in leap.query("SELECT DISTINCT status_date::VARCHAR FROM marts.indicator_values")
    }
    assert "2024-02-29" in dates and "2024-02-28" not in dates and "2023-02-28" in dates
    assert len(dates) == 15 and max(dates) == "2024-03-31" and min(dates) == "2023-01-31"


# --------------------------------------------------------------------------------------------
# 7. grants registered after a status date


@scenario
def kommune_204(x: Extracts) -> None:
    # 204 (case 7): grants registered after a status date.
    p10 = born(1983, 1, 1, 10)
    x.ydelse(
        "204",
        p10,
        "107",
        "2022-01-01",
        None,
        takst=1000,
        takst_enhed="dag",
        oprettet_dato="2022-02-15",
    )
    x.ydelse(
        "204",
        born(1983, 1, 2, 11),
        "107",
        "2022-01-01",
        None,
        takst=1000,
        takst_enhed="dag",
        oprettet_dato="2022-04-15",
    )  # after the build's s
    x.ydelse(
        "204",
        born(1983, 1, 3, 12),
        "108",
        "2021-01-01",
        None,
        takst=2000,
        takst_enhed="dag",
        oprettet_dato="2022-03-31",
    )  # registered on s
    x.engangsbevilling("204", p10, "112", "2022-01-10", 5000, oprettet_dato="2022-02-20")


def test_registered_after_status_date(cases):
    # 204. P10 §107 from 1 Jan, registered 15 Feb; P11 §107 from 1 Jan, registered 15 April (after
    # the build's s: never counted); P12 §108 from 2021, registered 31 March 2022 (= s: known at s).
    # 31 January: nothing known → 0 everywhere; 12's denominator 0 → NULL.
    counted(cases, "204", "2022-01-31", "02", "total", "total", 0)
    expect(cases, "204", "2022-01-31", "12", "total", "total", 0.0, 0.0, None)
    # 28 February: P10 known, counted back to 1 January: 59/59 = 1; DISP = 1000 × 365.
    counted(cases, "204", "2022-02-28", "02", "total", "total", 1.0)
    counted(cases, "204", "2022-02-28", "02", "paragraf", "108", 0)
    expect(cases, "204", "2022-02-28", "12", "total", "total", 365000.0, 1.0, 365000.0)
    # 31 March: P10 90/90 + P12 90/90 = 2 (P11 not known); DISP = 1000 × 365 + 2000 × 365
    # = 1,095,000 → 547,500.
    counted(cases, "204", S, "02", "total", "total", 2.0)
    counted(cases, "204", S, "02", "paragraf", "107", 1.0)
    counted(cases, "204", S, "02", "paragraf", "108", 1.0)
    expect(cases, "204", S, "12", "total", "total", 1095000.0, 2.0, 547500.0)
    # 2021: P12 was active all year but only registered in 2022 → 0 at 2021-12-31.
    counted(cases, "204", "2021-12-31", "02", "total", "total", 0)
    # One-off §112 dated 10 Jan, registered 20 Feb: not at 31 Jan (0/0 → NULL); 5,000 / 1 person at
    # 28 Feb.
    expect(cases, "204", "2022-01-31", "15", "paragraf", "112", 0.0, 0.0, None)
    expect(cases, "204", "2022-02-28", "15", "paragraf", "112", 5000.0, 1.0, 5000.0)
    expect(cases, "204", "2022-02-28", "15", "total", "total", 5000.0, 1.0, 5000.0)


# --------------------------------------------------------------------------------------------
# 8. §85 with and without botilbudslignende


@scenario
def kommune_205(x: Extracts) -> None:
    # 205 (case 8): §85 with and without botilbudslignende.
    x.ydelse(
        "205",
        born(1984, 1, 1, 13),
        "85",
        "2022-01-01",
        None,
        timer_pr_uge=10,
        takst=200,
        takst_enhed="time",
        botilbudslignende=True,
        leverandoer_id="L1",
    )
    x.ydelse(
        "205",
        born(1984, 1, 2, 14),
        "85",
        "2022-01-01",
        None,
        timer_pr_uge=7,
        takst=100,
        takst_enhed="time",
        botilbudslignende=False,
    )
    x.budget("205", 2022, "botilbud", 1000000)
    x.budget("205", 2022, "stoette_i_eget_hjem", 100000)


def test_paragraph_85_botilbudslignende(cases):
    # 205. P13 §85 botilbudslignende, 10 h/week at 200 an hour; P14 §85 not, 7 h/week at 100 an
    # hour.
    # 02: only P13 → 90/90 = 1 (total and paragraf 85).
    counted(cases, "205", S, "02", "total", "total", 1.0)
    counted(cases, "205", S, "02", "paragraf", "85", 1.0)
    counted(cases, "205", S, "07", "leverandoertype", "egen", 1.0)
    # 11: P13's 200 × 10 / 7 a day × 365 = 104,285.714286 is botilbud (budget 1,000,000 → 0.104286);
    # P14's 100 × 7 / 7 × 365 = 36,500 is stoette_i_eget_hjem (budget 100,000 → 0.365).
    disp_13 = 200 * 10 / 7 * 365
    expect(cases, "205", S, "11", "omraade", "botilbud", disp_13, 1000000.0, disp_13 / 1000000)
    expect(cases, "205", S, "11", "omraade", "stoette_i_eget_hjem", 36500.0, 100000.0, 0.365)
    expect(
        cases,
        "205",
        S,
        "11",
        "total",
        "total",
        disp_13 + 36500,
        1100000.0,
        (disp_13 + 36500) / 1100000,
    )
    # 12: DISP(botilbud) / HM(botilbud) = 104,285.714286 / 1.
    expect(cases, "205", S, "12", "paragraf", "85", disp_13, 1.0, disp_13)
    # 01: both §85 are in `timer`: (10 × 90 + 7 × 90) / 90 = 17 over HM 2 → 8.5.
    expect(cases, "205", S, "01", "total", "total", 17.0, 2.0, 8.5)
    expect(cases, "205", S, "01", "paragraf", "85", 17.0, 2.0, 8.5)


# --------------------------------------------------------------------------------------------
# 9. the mean of monthly point counts (13's denominator)


@scenario
def kommune_206(x: Extracts) -> None:
    # 206 (case 9): dagtilbud in and out around the monthly points 31 Jan, 28 Feb, 31 Mar.
    x.ydelse(
        "206", born(1985, 1, 1, 15), "103", "2022-01-01", "2022-01-31", takst=300, takst_enhed="dag"
    )  # A
    x.ydelse(
        "206", born(1985, 1, 2, 16), "104", "2022-01-01", None, takst=500, takst_enhed="dag"
    )  # B
    x.ydelse(
        "206", born(1985, 1, 3, 17), "104", "2022-03-01", "2022-03-30", takst=400, takst_enhed="dag"
    )  # D
    x.ydelse(
        "206", born(1985, 1, 4, 18), "103", "2022-03-31", None, takst=600, takst_enhed="dag"
    )  # E


def test_mean_of_monthly_point_counts(cases):
    # 206. A §103 1-31 Jan; B §104 1 Jan-open; D §104 1-30 March (on no point day);
    # E §103 31 March-open.
    # PT on 31 Jan: A, B = 2; 28 Feb: B = 1; 31 Mar: B, E = 2 → APT = (2 + 1 + 2) / 3 = 1.666667.
    # §103: 1, 0, 1 → 2/3; §104: 1, 1, 1 → 1.
    # DISP: A 300 × 31 = 9,300; B 500 × 365 = 182,500; D 400 × 30 = 12,000;
    # E 600 × 276 (31 Mar-31 Dec) = 165,600.
    expect(cases, "206", S, "13", "total", "total", 369400.0, 5 / 3, 369400 * 3 / 5)  # 221,640
    expect(cases, "206", S, "13", "paragraf", "103", 174900.0, 2 / 3, 174900 * 3 / 2)  # 262,350
    expect(cases, "206", S, "13", "paragraf", "104", 194500.0, 1.0, 194500.0)
    counted(cases, "206", S, "03", "total", "total", 2)
    # 28 Feb: APT = (2 + 1) / 2 = 1.5.
    expect(cases, "206", "2022-02-28", "13", "total", "total", 369400.0, 1.5, 369400 / 1.5)


# --------------------------------------------------------------------------------------------
# 10. refusion (06) around each threshold and around age 67


@scenario
def kommune_207(x: Extracts) -> None:
    # 207 (case 10): refusion thresholds of 2022 (860,000 / 1,680,000 / 2,120,000) and age 67.
    # Each amount is a one-day §108 grant at `dag` takst = the amount, so DISP is exact in
    # floating point.
    def one_day(person, amount):
        x.ydelse("207", person, "108", "2022-06-01", "2022-06-01", takst=amount, takst_enhed="dag")

    r3 = born(1980, 3, 3, 23)
    for serial, amount in [
        (21, 859999),
        (22, 860000),
        (24, 1680000),
        (25, 1680001),
        (26, 2120000),
        (27, 2120001),
        (31, 250000),
        (32, 249999),
        (33, 500000),
        (34, 1000000),
        (35, 2000000),
    ]:
        one_day(born(1980, 3, serial - 20, serial), amount)
    one_day(r3, 800000)  # R3: 800,000 + one-off 60,001 = 860,001
    x.engangsbevilling("207", r3, "112", "2022-01-15", 60001)
    one_day(born(1955, 3, 31, 28), 999999)  # R8: turns 67 on 31 March 2022
    one_day(born(1955, 4, 1, 29), 999999)  # R9: turns 67 on 1 April 2022


@scenario
def kommune_210(x: Extracts) -> None:
    # 210 (case 10, 2021): a whole-year `aar` takst equal to 2021's thresholds
    # (850,000 / 1,660,000 / 2,090,000). By hand DISP = takst / 365 × 365 = takst exactly; in
    # floating point 850000 / 365 * 365 is 850000.0000000001.
    for serial, amount in [(51, 850000), (52, 1660000), (53, 2090000)]:
        x.ydelse(
            "210",
            born(1980, 4, serial - 50, serial),
            "108",
            "2021-01-01",
            "2021-12-31",
            takst=amount,
            takst_enhed="aar",
        )


def test_refusion_thresholds_and_age_67(cases):
    # 207, 2022 thresholds 860,000 / 1,680,000 / 2,120,000; "exceed" = strictly above.
    #   859,999 none; 860,000 none; 860,001 (800,000 + one-off 60,001) 25; 1,680,000 25;
    #   1,680,001 50; 2,120,000 50; 2,120,001 75; 250,000 / 249,999 / 500,000 none; 1,000,000 25;
    #   2,000,000 50;
    #   999,999 turning 67 on s: none (67); 999,999 turning 67 the day after s: 25 (66).
    # 25: 860,001, 1,680,000, 1,000,000, 999,999 (66) = 4; 50: 1,680,001, 2,120,000, 2,000,000 = 3;
    # 75: 1.
    counted(cases, "207", S, "06", "total", "total", 8)
    counted(cases, "207", S, "06", "refusionssats", "25", 4)
    counted(cases, "207", S, "06", "refusionssats", "50", 3)
    counted(cases, "207", S, "06", "refusionssats", "75", 1)
    # Intervals, lower bound included, every person with expenses > 0 of any age (14 persons):
    #   0-250000: 249,999; 250000-500000: 250,000;
    #   500000-1000000: 500,000, 859,999, 860,000, 860,001, 999,999 × 2 = 6;
    #   1000000-2000000: 1,000,000, 1,680,000, 1,680,001 = 3;
    #   2000000+: 2,000,000, 2,120,000, 2,120,001 = 3.
    for interval, n in zip(UDGIFTSINTERVALLER, [1, 1, 6, 3, 3], strict=True):
        counted(cases, "207", S, "06", "udgiftsinterval", interval, n)
    # 28 February: the person born 31 March 1955 is still 66 → 25 has 5, total 9.
    counted(cases, "207", "2022-02-28", "06", "total", "total", 9)
    counted(cases, "207", "2022-02-28", "06", "refusionssats", "25", 5)
    # 2021: nothing disposed → 0.
    counted(cases, "207", "2021-12-31", "06", "total", "total", 0)


def test_refusion_at_2021_thresholds_with_yearly_takst(cases):
    # 210, 2021 thresholds 850,000 / 1,660,000 / 2,090,000. Three persons with §108 all of 2021 at
    # an `aar` takst of exactly a threshold: DISP = takst / 365 × 365 = takst, which does not
    # exceed it.
    #   850,000: not above graense_25 → none; 1,660,000: above 850,000, not above 1,660,000 → 25;
    #   2,090,000: above 1,660,000, not above 2,090,000 → 50. Total 2.
    for s in ("2021-12-31", "2021-06-30"):
        counted(cases, "210", s, "06", "total", "total", 2)
        counted(cases, "210", s, "06", "refusionssats", "25", 1)
        counted(cases, "210", s, "06", "refusionssats", "50", 1)
        counted(cases, "210", s, "06", "refusionssats", "75", 0)


@scenario
def kommune_213(x: Extracts) -> None:
    """213: amounts in kroner and oere whose float sums are off in the last bit."""
    p, q = born(1984, 4, 4, 41), born(1984, 4, 5, 42)
    x.engangsbevilling("213", p, "112", "2022-01-10", "0,10")
    x.engangsbevilling("213", p, "114", "2022-02-10", "0,20")
    x.ydelse("213", q, "108", "2022-03-29", "2022-03-31", takst="0,10", takst_enhed="dag")
    x.budget("213", 2022, "botilbud", "0,10")
    x.budget("213", 2022, "botilbud", "0,20")


def test_amounts_in_kroner_and_oere_sum_exactly(cases):
    # 213. Compared with ==: the exact sum, converted to DOUBLE once, is the double nearest it.
    # One-off grants 0,10 (§112) + 0,20 (§114) kr = 0.3 (in floats 0.1 + 0.2 = 0.30000000000000004);
    # 1 person.
    assert cases.row("213", S, "15", "total", "total") == (0.3, 1.0, 0.3)
    # §108 at 0,10 kr a day, 29-31 March: 3 x 0,10 = 0.3 (in floats 0.1 * 3 = 0.30000000000000004).
    assert cases.row("213", S, "12", "paragraf", "108")[0] == 0.3
    # Budget lines 0,10 + 0,20 for botilbud: 0.3 of 0.3.
    assert cases.row("213", S, "11", "omraade", "botilbud") == (0.3, 0.3, 1.0)
    # All ydelser and one-off grants: 0.3 + 0.3 = 0.6, over the whole budget 0.3.
    assert cases.row("213", S, "11", "total", "total") == (0.6, 0.3, 2.0)


# --------------------------------------------------------------------------------------------
# 11. no budget row: 11's denominator 0 → NULL


def test_no_budget_gives_null_not_error(cases):
    # 203 has no budget rows. DISP: §108 1000 × 365 = 365,000 + §96 30,000 × 12 / 365 × 334
    # = 329,424.657534.
    disp = 365000 + 30000 * 12 / 365 * 334
    expect(cases, "203", S, "11", "total", "total", disp, 0.0, None)
    expect(cases, "203", S, "11", "omraade", "botilbud", 365000.0, 0.0, None)
    expect(cases, "203", S, "11", "omraade", "hjaelperordning", 30000 * 12 / 365 * 334, 0.0, None)


# --------------------------------------------------------------------------------------------
# 12. a caseworker with no active case


@scenario
def kommune_208(x: Extracts) -> None:
    # 208 (case 12): caseworkers with and without an active case on s.
    p16 = born(1986, 1, 2, 41)
    x.ydelse(
        "208",
        born(1986, 1, 1, 40),
        "108",
        "2022-01-01",
        None,
        sagsbehandler_id="S1",
        takst=1000,
        takst_enhed="dag",
    )
    x.ydelse(
        "208", p16, "104", "2022-01-01", None, sagsbehandler_id="S1", takst=100, takst_enhed="dag"
    )
    x.ydelse("208", p16, "103", "2022-01-01", None, sagsbehandler_id="S1")
    x.ydelse(
        "208",
        born(1986, 1, 3, 42),
        "107",
        "2021-01-01",
        "2021-12-31",
        sagsbehandler_id="S2",
        takst=1000,
        takst_enhed="dag",
    )
    x.ydelse(
        "208", born(1986, 1, 4, 43), "108", "2022-01-01", None, takst=1000, takst_enhed="dag"
    )  # no caseworker


def test_caseworker_without_active_case(cases):
    # 208. S1: P15 (§108) and P16 (§104 + §103) active on s; S2: P17 ended 31 Dec 2021; S3: nothing;
    # P18 (§108) has no caseworker.
    # 08: pairs (S1, P15), (S1, P16) = 2 over 1 caseworker → 2; P18's service without a caseworker
    # is nobody's caseload: in neither the numerator nor the denominator.
    expect(cases, "208", S, "08", "total", "total", 2.0, 1.0, 2.0)
    counted(cases, "208", S, "08", "sagsbehandler", "S1", 2)
    zero_or_absent(cases, "208", S, "08", "sagsbehandler", "S2")
    zero_or_absent(cases, "208", S, "08", "sagsbehandler", "S3")
    # 10: DISP of 95/96/103/104/107/108: P15 365,000 + P16 36,500 (§103 has no takst: 0)
    # + P18 365,000 = 766,500 over 3 persons with cost > 0 → 255,500; S1: 401,500 / 2 = 200,750;
    # S2 nothing in 2022.
    expect(cases, "208", S, "10", "total", "total", 766500.0, 3.0, 255500.0)
    expect(cases, "208", S, "10", "sagsbehandler", "S1", 401500.0, 2.0, 200750.0)
    zero_or_absent(cases, "208", S, "10", "sagsbehandler", "S2")
    zero_or_absent(cases, "208", S, "10", "sagsbehandler", "S3")
    # 31 Dec 2021: only (S2, P17) → 1 / 1; 10: 1000 × 365 / 1 person.
    expect(cases, "208", "2021-12-31", "08", "total", "total", 1.0, 1.0, 1.0)
    expect(cases, "208", "2021-12-31", "10", "sagsbehandler", "S2", 365000.0, 1.0, 365000.0)
    # 09 counts P18 although it has no caseworker: P15, P16, P18 → 3.
    counted(cases, "208", S, "09", "total", "total", 3)


# --------------------------------------------------------------------------------------------
# 17. 08 is a mean caseload: services with no caseworker are in neither numerator nor denominator


@scenario
def kommune_211(x: Extracts) -> None:
    # 211 (case 17): 08 is a mean caseload. Caseworkers S1-S5 with 9, 8, 8, 8, 8 persons (§104, no
    # takst) = 41 assigned pairs; 8 more persons have a §108 at 10 a day with no caseworker.
    for s_id in ("S4", "S5"):
        x.sagsbehandler(s_id)
    serial = 600
    for s_id, persons in (("S1", 9), ("S2", 8), ("S3", 8), ("S4", 8), ("S5", 8)):
        for _ in range(persons):
            serial += 1
            x.ydelse(
                "211",
                cpr(date(1990, 2, 2), serial),
                "104",
                "2022-01-01",
                None,
                sagsbehandler_id=s_id,
            )
    for _ in range(8):
        serial += 1
        x.ydelse(
            "211",
            cpr(date(1990, 2, 2), serial),
            "108",
            "2022-01-01",
            None,
            takst=10,
            takst_enhed="dag",
        )


def test_08_is_a_mean_caseload(cases):
    # 211: 41 (caseworker, person) pairs over 5 caseworkers → 8.2 (counting the 8 persons with no
    # caseworker in the numerator would give 49 / 5 = 9.8).
    expect(cases, "211", S, "08", "total", "total", 41.0, 5.0, 8.2)
    counted(cases, "211", S, "08", "sagsbehandler", "S1", 9)
    counted(cases, "211", S, "08", "sagsbehandler", "S5", 8)
    # They still count in 10's total: 8 × 10 × 365 = 29,200 over the 8 persons with a cost → 3,650
    # (the §104 services have no takst).
    expect(cases, "211", S, "10", "total", "total", 29200.0, 8.0, 3650.0)
    counted(cases, "211", S, "09", "total", "total", 49)


def test_persons_without_a_caseworker_on_s_are_a_warning(cases):
    # Persons with a service active on s = 2022-03-31 and no caseworker on it, per municipality:
    # 201 P1, P2; 202 P3, P6; 203 P8, P9; 204 P10, P12 (P11 is not known on s); 205 P13, P14;
    # 206 B, E; 207 and 210 none active on s; 208 P18; 209 the §100 person; 211 eight; 213 the
    # §108 person → 23.
    warned = cases.query(
        "SELECT unexpected_count, success FROM audit.expectation_results "
        "WHERE model = 'marts.ind_08_sager_pr_sagsbehandler' AND severity = 'warn'"
    )
    assert warned == [(23, False)]


# --------------------------------------------------------------------------------------------
# 18. paragraphs in no group (82 a, 82 b, 84, 86, 102) count only where "any service" is meant


@scenario
def kommune_212(x: Extracts) -> None:
    # 212 (case 18): paragraphs in no group, written as extracts write them. Q1 `§ 82 a` (41 on s),
    # Q2 `84` (72), Q3 §107 (32).
    x.ydelse(
        "212",
        born(1980, 6, 1, 700),
        "§ 82 a",
        "2022-01-01",
        None,
        takst=100,
        takst_enhed="dag",
        sagsbehandler_id="S1",
    )
    x.ydelse(
        "212",
        born(1950, 1, 1, 701),
        "84",
        "2022-01-01",
        "2022-12-31",
        takst=1000,
        takst_enhed="maaned",
        sagsbehandler_id="S1",
    )
    x.ydelse(
        "212",
        born(1990, 1, 1, 702),
        "107",
        "2022-01-01",
        None,
        takst=200,
        takst_enhed="dag",
        sagsbehandler_id="S2",
    )
    x.budget("212", 2022, "botilbud", 1000000)


def test_paragraphs_in_no_group_count_in_any_service_only(cases):
    # 212, s = 2022-03-31. Q1 `§ 82 a` 100 a day, Q2 `84` 1,000 a month in 2022, Q3 §107 200 a day.
    # 09: any service → Q1, Q2, Q3 = 3; by age on s: Q1 41 and Q3 32 are 24-49, Q2 72 is 65+.
    counted(cases, "212", S, "09", "total", "total", 3)
    counted(cases, "212", S, "09", "aldersgruppe", "24-49", 2)
    counted(cases, "212", S, "09", "aldersgruppe", "65+", 1)
    counted(cases, "212", S, "09", "aldersgruppe:botilbud", "24-49", 1)
    # 11: all ydelser in the total: 100 × 365 + 1,000 × 12 / 365 × 365 + 200 × 365 = 121,500 over a
    # budget of 1,000,000; in no omraade: botilbud is Q3's 73,000 alone.
    expect(cases, "212", S, "11", "total", "total", 121500.0, 1000000.0, 0.1215)
    expect(cases, "212", S, "11", "omraade", "botilbud", 73000.0, 1000000.0, 0.073)
    zero_or_absent(cases, "212", S, "11", "omraade", "stoette_i_eget_hjem")
    # 08 (any service): S1 has Q1 and Q2, S2 has Q3 → 3 / 2.
    expect(cases, "212", S, "08", "total", "total", 3.0, 2.0, 1.5)
    # In no group: 02 counts Q3 only; 10's paragraphs leave Q1 and Q2 out.
    counted(cases, "212", S, "02", "total", "total", 1.0)
    expect(cases, "212", S, "10", "total", "total", 73000.0, 1.0, 73000.0)


# --------------------------------------------------------------------------------------------
# 13. every breakdown the contract names, with its names


@scenario
def kommune_209(x: Extracts) -> None:
    # 209 (case 13): every breakdown the contract names gets something to count.
    bands = [
        date(2010, 6, 15),
        date(2005, 1, 1),
        date(2000, 1, 1),
        date(1990, 1, 1),
        date(1965, 1, 1),
        date(1950, 1, 1),
    ]
    serial = 100
    for gruppe, paragraffer in (
        ("botilbud", ["107", "108", "85"]),
        ("dagtilbud", ["103", "104"]),
        ("hjaelperordning", ["95", "96"]),
    ):
        for i, birth in enumerate(bands):
            serial += 1
            paragraf = paragraffer[i % len(paragraffer)]
            x.ydelse(
                "209",
                cpr(birth, serial),
                paragraf,
                "2022-01-01",
                None,
                takst=100,
                takst_enhed="dag",
                leverandoer_id=["L1", "L2", None, "L3", "L4", "L1"][i],
                sagsbehandler_id=["S1", "S2"][i % 2],
                botilbudslignende=(paragraf == "85"),
                timer_pr_uge=10 if gruppe == "hjaelperordning" or paragraf == "85" else None,
            )
    for paragraf in ("83", "97", "98", "99"):
        serial += 1
        x.ydelse(
            "209",
            cpr(date(1980, 5, 5), serial),
            paragraf,
            "2022-01-01",
            None,
            timer_pr_uge=5,
            takst=100,
            takst_enhed="time",
            sagsbehandler_id="S1",
        )
    serial += 1
    x.ydelse(
        "209",
        cpr(date(1980, 5, 5), serial),
        "100",
        "2022-01-01",
        None,
        takst=1000,
        takst_enhed="maaned",
    )
    x.engangsbevilling("209", cpr(date(1980, 5, 5), serial + 1), "112", "2022-02-01", 20000)
    x.engangsbevilling("209", cpr(date(1980, 5, 5), serial + 2), "114", "2022-02-01", 150000)
    for i, anbringelsestype in enumerate(ANBRINGELSESTYPER):
        x.anbringelse(
            "209",
            cpr(date(2012, 7, 7), 200 + i),
            anbringelsestype,
            "2022-01-01",
            None,
            takst=1000,
            takst_enhed="dag",
        )
    for omraade in OMRAADER:
        x.budget("209", 2022, omraade, 1000000)


def _breakdowns(wh: Warehouse, nonzero: bool) -> dict[str, set]:
    sql = (
        "SELECT DISTINCT indicator, breakdown, breakdown_value FROM marts.indicator_values "
        "WHERE breakdown <> 'total'" + (" AND value <> 0" if nonzero else "")
    )
    found: dict[str, set] = {i: set() for i in INDICATORS}
    for indicator, breakdown, value in wh.query(sql):
        found.setdefault(indicator, set()).add((breakdown, value))
    return found


def test_every_named_breakdown_appears(cases, cases_extracts):
    nonzero = _breakdowns(cases, nonzero=True)
    missing = {
        i: sorted(BREAKDOWNS[i] - nonzero[i]) for i in INDICATORS if BREAKDOWNS[i] - nonzero[i]
    }
    assert not missing, f"named breakdowns never given a value: {missing}"
    for indicator in PER_CASEWORKER:
        assert {("sagsbehandler", "S1"), ("sagsbehandler", "S2")} <= nonzero[indicator], indicator


def per_caseworker(ids: set[str], teams: set[str]) -> set[tuple]:
    """The rows 08 and 10 may have for these caseworkers: each one's, each one's by paragraph of the
    catalogue, and 08's teams (ukendt for a caseworker without one)."""
    paragraphs = [row["paragraf"] for row in csv.DictReader(PARAGRAFFER.open(encoding="utf-8"))]
    return (
        {("sagsbehandler", i) for i in ids}
        | {("paragraf:sagsbehandler", f"{p}:{i}") for p in paragraphs for i in ids}
        | {("team", t) for t in teams | {"ukendt"}}
    )


def test_no_breakdown_outside_the_contract(cases, small, cases_extracts):
    rows = cases_extracts.rows
    ids = {r["sagsbehandler_id"] for r in rows["sagsbehandlere"]} | {
        r["sagsbehandler_id"] for r in rows["ydelser"] if r.get("sagsbehandler_id")
    }
    teams = {r["team"].strip() for r in rows["sagsbehandlere"] if r["team"]}
    for wh, known in (
        (cases, per_caseworker(ids, teams)),
        (small, per_caseworker({"S1", "S2"}, {"Voksen"})),
    ):
        present = _breakdowns(wh, nonzero=False)
        unknown = {
            i: sorted(
                present[i]
                - BREAKDOWNS.get(i, set())
                - PER_CAPITA.get(i, set())
                - (known if i in PER_CASEWORKER else set())
            )
            for i in present
        }
        unknown = {i: v for i, v in unknown.items() if v}
        assert not unknown, f"breakdowns the contract does not name: {unknown}"
    indicators = {
        r[0] for r in cases.query("SELECT DISTINCT indicator FROM marts.indicator_values")
    }
    assert indicators == set(INDICATORS)


# --------------------------------------------------------------------------------------------
# 14. status dates: 15 per build, every municipality, every indicator's total row


@pytest.mark.parametrize("which", ["small", "cases"])
def test_every_total_row_for_every_status_date(which, request):
    wh: Warehouse = request.getfixturevalue(which)
    with wh.connect() as con:
        kommuner = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT kommunekode FROM marts.indicator_values"
            ).fetchall()
        ]
        dates = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT status_date::VARCHAR FROM marts.indicator_values"
            ).fetchall()
        }
        totals = con.execute(
            "SELECT kommunekode, status_date::VARCHAR, indicator, count(*) "
            "FROM marts.indicator_values "
            "WHERE breakdown = 'total' AND breakdown_value = 'total' GROUP BY ALL"
        ).fetchall()
    assert sorted(dates) == STATUS_DATES_2022
    expected_kommuner = {
        "small": {"101", "751"},
        "cases": {
            "201",
            "202",
            "203",
            "204",
            "205",
            "206",
            "207",
            "208",
            "209",
            "210",
            "211",
            "212",
            "213",
            "214",
            "215",
            "216",
            "217",
            "218",
        },
    }[which]
    assert set(kommuner) == expected_kommuner
    have = {(k, d, i): n for k, d, i, n in totals}
    missing = [
        (k, d, i)
        for k in kommuner
        for d in STATUS_DATES_2022
        for i in INDICATORS
        if (k, d, i) not in have
    ]
    assert not missing, f"{len(missing)} total rows missing, e.g. {missing[:10]}"
    doubled = [key for key, n in have.items() if n != 1]
    assert not doubled, f"total rows that occur more than once: {doubled[:10]}"


def test_one_row_per_key(cases):
    dup = cases.query(
        "SELECT kommunekode, status_date, indicator, breakdown, breakdown_value, count(*) "
        "FROM marts.indicator_values GROUP BY ALL HAVING count(*) > 1 LIMIT 10"
    )
    assert not dup, dup


# --------------------------------------------------------------------------------------------
# 15. a denominator of 0 gives NULL, never an error or infinity


def test_01_without_timer_services_is_null(cases):
    # 202 has no §83/85/95-99 services: numerator 0, HM(timer) = 0 → value NULL.
    expect(cases, "202", S, "01", "total", "total", 0.0, 0.0, None)
    # 202 has no hjaelperordning: 14 = 0 / 0 → NULL.
    expect(cases, "202", S, "14", "total", "total", 0.0, 0.0, None)


@pytest.mark.parametrize("which", ["small", "cases", "leap"])
def test_zero_denominator_means_null_value_everywhere(which, request):
    wh: Warehouse = request.getfixturevalue(which)
    bad = wh.query(
        "SELECT * FROM marts.indicator_values WHERE denominator = 0 AND value IS NOT NULL LIMIT 10"
    )
    assert not bad, f"value given where the denominator is 0: {bad}"
    bad = wh.query(
        "SELECT * FROM marts.indicator_values WHERE isnan(value) OR isinf(value) "
        "OR isnan(numerator) OR isinf(numerator) LIMIT 10"
    )
    assert not bad, f"NaN or infinity: {bad}"
    # For a plain count the denominator is NULL and value = numerator; otherwise
    # value = numerator / denominator.
    bad = wh.query(
        "SELECT * FROM marts.indicator_values "
        "WHERE (denominator IS NULL AND value IS DISTINCT FROM numerator) "
        "OR (denominator <> 0 "
        "AND abs(value - numerator / denominator) > 1e-9 * greatest(1, abs(value))) LIMIT 10"
    )
    assert not bad, f"value is not numerator / denominator: {bad}"


# --------------------------------------------------------------------------------------------
# 16. no CPR number anywhere in marts or audit


def dirty_2022() -> tuple[Extracts, str]:
    """40 valid grants and one that breaks a rule (slutdato before startdato: period_invalid).
    1 of 41 rows quarantined = 2.4 %, under the 5 % that would fail the build."""
    x = Extracts()
    for i in range(40):
        x.ydelse(
            "401",
            born(1975, 1, 1 + i % 28, 500 + i),
            "107",
            "2022-01-01",
            None,
            takst=100,
            takst_enhed="dag",
        )
    bad = born(1975, 2, 2, 777)
    x.ydelse("401", bad, "107", "2022-03-01", "2022-02-01")
    return x, bad


def _cpr_hits(wh: Warehouse, cprs: set[str]) -> list[str]:
    """Every column of every table/view in marts and audit that is not a number or a date, cast to
    text: a value that is a CPR number (10 digits, with or without the dash), or that contains one
    of `cprs`."""
    forms = cprs | {f"{c[:6]}-{c[6:]}" for c in cprs}
    whole = re.compile(r"\s*\d{6}-?\d{4}\s*")
    skip = (
        "BIGINT",
        "INTEGER",
        "SMALLINT",
        "TINYINT",
        "HUGEINT",
        "UBIGINT",
        "UINTEGER",
        "USMALLINT",
        "UTINYINT",
        "DOUBLE",
        "FLOAT",
        "DECIMAL",
        "DATE",
        "TIMESTAMP",
        "TIME",
        "BOOLEAN",
        "INTERVAL",
    )
    hits = []
    with wh.connect() as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name, data_type "
            "FROM information_schema.columns "
            "WHERE table_schema IN ('marts', 'audit') AND table_catalog = current_database()"
        ).fetchall()
        assert columns, "no tables in marts/audit"
        for schema, table, column, data_type in columns:
            if data_type.upper().startswith(skip):
                continue
            values = con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"'
            ).fetchall()
            for (value,) in values:
                if value is not None and (whole.fullmatch(value) or any(f in value for f in forms)):
                    hits.append(f"{schema}.{table}.{column}: {value[:160]!r}")
    return hits


def test_no_cpr_in_marts_or_audit_worked_example(small):
    with (SMALL / "extracts" / "ydelser.csv").open(encoding="utf-8") as handle:
        cprs = {r["cpr"] for r in csv.DictReader(handle, delimiter=";")}
    assert not _cpr_hits(small, cprs)


def test_no_cpr_in_marts_or_audit_cases(cases, cases_extracts):
    assert not _cpr_hits(cases, cases_extracts.cprs())


def test_no_cpr_in_marts_or_audit_with_a_quarantined_row(dirty):
    wh, extracts, bad = dirty
    # The row with slutdato before startdato lands in audit.quarantine (as the raw row's text) ...
    assert wh.query("SELECT count(*) FROM audit.quarantine")[0][0] == 1
    # ... yet no table of marts or audit holds its CPR number, nor any other.
    hits = _cpr_hits(wh, extracts.cprs())
    assert not hits, hits


# --------------------------------------------------------------------------------------------
# 17. one rule per case: each of these rules was once caught only by the day-by-day reference
#     (tests/test_reference.py) or by nothing; a failure here names the rule. One build, as of
#     2022-03-31, one paying municipality per rule.


def rules_2022() -> Extracts:
    x = Extracts()
    x.sagsbehandler("S1")

    # 501: helmaanedsmodtagere, (person, day) pairs in a month / the days of that month.
    x.ydelse("501", born(1970, 5, 1, 1), "107", "2022-02-10", "2022-03-05")  # P
    x.ydelse("501", born(1970, 5, 2, 2), "108", "2022-02-01", "2022-02-28")  # R
    x.ydelse("501", born(1970, 5, 3, 3), "104", "2021-02-01", None)  # Q

    # 502: a municipality that appears only in the budget.
    x.budget("502", 2022, "botilbud", 500000)

    # 503: one-off grants dated on s, on 1 January, on 31 December of the year before, after s.
    x.engangsbevilling("503", born(1970, 6, 1, 11), "114", "2022-03-31", 20000)  # a
    x.engangsbevilling("503", born(1970, 6, 2, 12), "112", "2022-01-01", 1000)  # b
    x.engangsbevilling("503", born(1970, 6, 3, 13), "112", "2021-12-31", 7000)  # c
    x.engangsbevilling("503", born(1970, 6, 4, 14), "112", "2022-04-01", 3000)  # d

    # 504: indicator 10's denominator counts persons whose cost in the year is > 0.
    y, z, u = born(1970, 7, 1, 21), born(1970, 7, 2, 22), born(1970, 7, 3, 23)
    x.ydelse(
        "504", y, "104", "2022-01-01", None, sagsbehandler_id="S1", takst=100, takst_enhed="dag"
    )
    x.ydelse("504", z, "103", "2022-01-01", None, sagsbehandler_id="S1")  # no takst: costs 0
    x.ydelse("504", u, "108", "2022-01-01", None, takst=0, takst_enhed="dag")  # takst 0
    # v costs, but only outside 10's paragraphs (§85): in neither 10's total nor S1's row
    v = born(1970, 7, 4, 24)
    x.ydelse("504", v, "85", "2022-01-01", None, sagsbehandler_id="S1", takst=50, takst_enhed="dag")

    # 505: 13's monthly points: a period ending the day before a month end is not on that point.
    x.ydelse(
        "505", born(1970, 8, 1, 31), "103", "2022-01-01", "2022-02-27", takst=100, takst_enhed="dag"
    )  # F
    x.ydelse(
        "505", born(1970, 8, 2, 32), "104", "2022-02-01", "2022-02-28", takst=200, takst_enhed="dag"
    )  # G

    # 506: every paragraph's budget area (indicators.md, 11), one person per paragraph, each with a
    # daily takst that is a power of two, so that each area's sum shows which paragraphs it holds.
    serial = 40
    for paragraf, takst in [
        ("83", 1),
        ("85", 2),
        ("97", 4),
        ("98", 8),
        ("99", 16),
        ("100", 32),
        ("103", 64),
        ("104", 128),
        ("107", 256),
        ("108", 512),
        ("95", 1024),
        ("96", 2048),
    ]:
        serial += 1
        x.ydelse(
            "506",
            born(1970, 9, 1, serial),
            paragraf,
            "2022-01-01",
            None,
            takst=takst,
            takst_enhed="dag",
        )
    x.ydelse(
        "506",
        born(1970, 9, 2, 60),
        "85",
        "2022-01-01",
        None,
        takst=4096,
        takst_enhed="dag",
        botilbudslignende=True,
    )
    # both one-off grants go to the person with the §100 service (serial 46)
    x.engangsbevilling("506", born(1970, 9, 1, 46), "112", "2022-02-01", 100000)
    x.engangsbevilling("506", born(1970, 9, 1, 46), "114", "2022-02-01", 200000)
    for omraade in OMRAADER:
        x.budget("506", 2022, omraade, 1000000)
    return x


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Warehouse:
    return published(tmp_path_factory, "rules", rules_2022(), S)


def helmaaned(wh: Warehouse, kommune: str, gruppe: str) -> dict[str, tuple]:
    rows = wh.query(
        "SELECT maaned::VARCHAR, persondage, dage, helmaanedsmodtagere "
        "FROM marts.helmaanedsmodtagere WHERE kommunekode = ? AND gruppe = ?",
        [kommune, gruppe],
    )
    return {maaned: tuple(rest) for maaned, *rest in rows}


def test_helmaanedsmodtagere_divide_by_the_days_of_the_month(rules):
    # 501. P §107 10 Feb-5 March, R §108 1-28 Feb: botilbud in February (28 days): P 19 + R 28
    # = 47 person days → 47/28 = 1.678571; in March (31 days, up to s = 31 March): P 5 → 5/31.
    botilbud = helmaaned(rules, "501", "botilbud")
    assert botilbud["2022-02-01"][:2] == (47, 28)
    assert close(botilbud["2022-02-01"][2], 47 / 28)
    assert botilbud["2022-03-01"][:2] == (5, 31)
    assert close(botilbud["2022-03-01"][2], 5 / 31)
    assert "2022-01-01" not in botilbud or botilbud["2022-01-01"][2] == 0
    # Q §104 from 1 February 2021: every day of February 2021 (28) and of January 2022 (31) → 1.
    dagtilbud = helmaaned(rules, "501", "dagtilbud")
    assert dagtilbud["2021-02-01"] == (28, 28, 1.0)
    assert dagtilbud["2022-01-01"] == (31, 31, 1.0)
    assert "2021-01-01" not in dagtilbud or dagtilbud["2021-01-01"][2] == 0


def test_helmaanedsmodtagere_in_a_leap_february(leap):
    # 301. P §108 from 1 Dec 2023 (all 29 days of February 2024) and P3 §107 on 29 February only:
    # (29 + 1) / 29 = 1.034483.
    botilbud = helmaaned(leap, "301", "botilbud")
    assert botilbud["2024-02-01"][:2] == (30, 29)
    assert close(botilbud["2024-02-01"][2], 30 / 29)


def test_a_municipality_only_in_the_budget_gets_every_total_row(rules):
    # 502 pays for nothing but has a budget: every indicator's total row on every status date, 0
    # where a count, and for 11 its budget as the denominator of 0 disposed.
    totals = rules.query(
        "SELECT status_date::VARCHAR, indicator FROM marts.indicator_values "
        "WHERE kommunekode = '502' AND breakdown = 'total'"
    )
    assert sorted(totals) == sorted((d, i) for d in STATUS_DATES_2022 for i in INDICATORS)
    expect(rules, "502", S, "11", "total", "total", 0.0, 500000.0, 0.0)
    expect(rules, "502", S, "11", "omraade", "botilbud", 0.0, 500000.0, 0.0)
    counted(rules, "502", S, "02", "total", "total", 0)
    counted(rules, "502", S, "06", "total", "total", 0)


def test_one_off_grants_dated_in_j_to_s_both_included(rules):
    # 503, s = 31 March 2022: a (20,000, dated s) and b (1,000, dated 1 January) count; c (dated 31
    # December 2021) belongs to 2021, d (dated 1 April) to after s → 21,000 over 2 persons:
    # §114 a 20,000 / 1, §112 b 1,000 / 1.
    expect(rules, "503", S, "15", "paragraf", "114", 20000.0, 1.0, 20000.0)
    expect(rules, "503", S, "15", "paragraf", "112", 1000.0, 1.0, 1000.0)
    expect(rules, "503", S, "15", "total", "total", 21000.0, 2.0, 10500.0)
    # 28 February: b only; 31 December 2021 (s = the grant's date): c only.
    expect(rules, "503", "2022-02-28", "15", "paragraf", "112", 1000.0, 1.0, 1000.0)
    expect(rules, "503", "2021-12-31", "15", "paragraf", "112", 7000.0, 1.0, 7000.0)
    # 11 counts the same grants; 503 has no budget → 21,000 / 0 → NULL. 06: two persons in 0-250000.
    expect(rules, "503", S, "11", "total", "total", 21000.0, 0.0, None)
    counted(rules, "503", S, "06", "udgiftsinterval", "0-250000", 2)


def test_indicator_10_counts_only_persons_whose_cost_is_above_zero(rules):
    # 504. y §104 100 a day all 2022 = 36,500 (S1); z §103 without takst (S1) and u §108 at takst 0
    # (no caseworker) cost 0; v's §85 (S1) costs, but is not one of 10's paragraphs: 10 = 36,500
    # over 1 person, in the total and in S1's row.
    expect(rules, "504", S, "10", "total", "total", 36500.0, 1.0, 36500.0)
    expect(rules, "504", S, "10", "sagsbehandler", "S1", 36500.0, 1.0, 36500.0)


def test_13_point_on_a_month_end_needs_the_service_on_that_day(rules):
    # 505. F §103 1 Jan-27 Feb (100 a day), G §104 1-28 Feb (200 a day). s = 31 March:
    # PT(31 Jan) = F = 1; PT(28 Feb) = G = 1 (F ended the day before); PT(31 Mar) = 0 → APT = 2/3.
    # DISP = F 100 × (31 + 27) + G 200 × 28 = 5,800 + 5,600 = 11,400 → 11,400 / (2/3) = 17,100.
    expect(rules, "505", S, "13", "total", "total", 11400.0, 2 / 3, 17100.0)
    expect(rules, "505", S, "13", "paragraf", "103", 5800.0, 1 / 3, 17400.0)
    expect(rules, "505", S, "13", "paragraf", "104", 5600.0, 1 / 3, 16800.0)
    # s = 28 February: PT(31 Jan) = F, PT(28 Feb) = G → (1 + 1) / 2 = 1.
    expect(rules, "505", "2022-02-28", "13", "total", "total", 11400.0, 1.0, 11400.0)
    # 03 on s: nobody.
    counted(rules, "505", S, "03", "total", "total", 0)


def test_11_puts_each_paragraph_in_its_budget_area(rules):
    # 506, every service all of 2022 (365 days), budget 1,000,000 per area (indicators.md, 11):
    #   stoette_i_eget_hjem: 83, 85 not botilbudslignende, 97, 98, 99 = (1 + 2 + 4 + 8 + 16) × 365;
    #   merudgift_hjaelpemidler: 100 = 32 × 365, plus the one-off 112 and 114 = 300,000;
    #   dagtilbud: 103, 104 = (64 + 128) × 365; botilbud: 107, 108, 85 botilbudslignende =
    #   (256 + 512 + 4096) × 365; hjaelperordning: 95, 96 = (1024 + 2048) × 365.
    areas = {
        "stoette_i_eget_hjem": 31 * 365,
        "merudgift_hjaelpemidler": 32 * 365 + 300000,
        "dagtilbud": 192 * 365,
        "botilbud": 4864 * 365,
        "hjaelperordning": 3072 * 365,
    }
    for omraade, disp in areas.items():
        expect(rules, "506", S, "11", "omraade", omraade, disp, 1000000.0, disp / 1000000)
    total = sum(areas.values())
    expect(rules, "506", S, "11", "total", "total", total, 5000000.0, total / 5000000)


def test_15_counts_a_person_once_in_each_part_and_in_the_total(rules):
    # 506: one person has the §100 service (32 a day all 2022 = 11,680) and both one-off grants
    # (§112 100,000 + §114 200,000): 100 = 11,680 / 1; 112 = 100,000 / 1; 114 = 200,000 / 1; the
    # total counts the person once: 311,680 / 1.
    expect(rules, "506", S, "15", "paragraf", "100", 11680.0, 1.0, 11680.0)
    expect(rules, "506", S, "15", "paragraf", "112", 100000.0, 1.0, 100000.0)
    expect(rules, "506", S, "15", "paragraf", "114", 200000.0, 1.0, 200000.0)
    expect(rules, "506", S, "15", "total", "total", 311680.0, 1.0, 311680.0)


# --------------------------------------------------------------------------------------------
# 19. the third wave (CHANGES.md): target groups, provider owners, teams, caseloads by paragraph


# The third wave's rules (CHANGES.md): target groups, provider owners, teams. Every service here has
# a caseworker, so 08's warning about persons without one counts what it did before.
# 214: per target group g, person A_g has §107 (botilbud) and §96 (hjaelperordning) and B_g §104
# (dagtilbud), all from 1 January 2022, open-ended; A_g's §107 carries a DST code (a text for
# socialt, which has none), the other two texts, written as case systems do (case, æøå, slashes).
MAALGRUPPE_VALUES = {
    # g: (A_g §107, A_g §96, B_g §104)
    "fysisk": ("1.1.3", "DØVBLINDHED", "Synsnedsættelse"),
    "kognitiv": ("1.2.1.3.2", "Intellektuel/Kognitiv forstyrrelse", "Udviklingshæmning"),
    "sindslidelse": ("1.2.2", "Psykisk lidelse", "angst"),
    "socialt": ("Stofmisbrug", "Sociale problemer", "Hjemløshed"),
    # 1.10 is not under 1.1 (a code falls under one followed by a dot); 1.3 is no code of the table
    "andet": ("1.10", "1.3", "Sansemæssig funktionsnedsættelse"),
    # empty, and nothing left after normalisation
    "uoplyst": (None, "-/-", None),
}
TEAMS_217 = {"T1": " Øst ", "T2": "Øst", "T3": None}  # T4 is not in sagsbehandlere


@scenario
def third_wave(x: Extracts) -> None:
    serial = 100
    for code, text_96, text_104 in MAALGRUPPE_VALUES.values():
        a, b = born(1990, 1, 1, serial), born(1990, 1, 2, serial + 1)
        serial += 2
        kw = {"sagsbehandler_id": "S1"}
        x.ydelse("214", a, "107", "2022-01-01", None, maalgruppe=code, **kw)
        x.ydelse("214", a, "96", "2022-01-01", None, maalgruppe=text_96, **kw)
        x.ydelse("214", b, "104", "2022-01-01", None, maalgruppe=text_104, **kw)
    # M: two target groups, §107 kognitiv all quarter and §107 sindslidelse from 2 March (30 days).
    m = born(1990, 2, 2, 150)
    x.ydelse("214", m, "107", "2022-01-01", None, maalgruppe="Autisme", sagsbehandler_id="S1")
    x.ydelse("214", m, "107", "2022-03-02", None, maalgruppe="1.2.2.1", sagsbehandler_id="S1")
    # 218: a spell of BPA that ends in the status date's month (F2's hjaelperordning row).
    x.ydelse("218", born(1993, 1, 1, 180), "96", "2022-01-01", "2022-03-15", sagsbehandler_id="S1")

    # 215 and 216: provider owners. L5 is 215's own (egen, ejerkommune 215); L6 is of type
    # anden_kommune but owned by 216; L7 is egen with no ejerkommune (its type decides).
    x.leverandoer("L5", "egen", ejerkommune="215")
    x.leverandoer("L6", "anden_kommune", ejerkommune="216")
    x.leverandoer("L7", "egen")
    kw = {"sagsbehandler_id": "S1"}
    x.ydelse("215", born(1991, 1, 1, 160), "107", "2022-01-01", None, leverandoer_id="L5", **kw)
    x.ydelse("216", born(1991, 1, 2, 161), "107", "2022-01-01", None, leverandoer_id="L5", **kw)
    x.ydelse("216", born(1991, 1, 3, 162), "108", "2022-01-01", None, leverandoer_id="L6", **kw)
    x.ydelse("216", born(1991, 1, 4, 163), "108", "2022-03-02", None, leverandoer_id="L7", **kw)

    # 217: teams and caseloads by paragraph. T1 (team ' Øst ') has p1 (§107 and §104), p2 (§107)
    # and p3 (§108); T2 (Øst) q1; T3 (no team) r1 and r2; T4 (not in sagsbehandlere) t1.
    for caseworker, team in TEAMS_217.items():
        x.sagsbehandler(caseworker, team=team)
    p1, p2, p3 = born(1992, 1, 1, 170), born(1992, 1, 2, 171), born(1992, 1, 3, 172)
    x.ydelse(
        "217", p1, "107", "2022-01-01", None, sagsbehandler_id="T1", takst=100, takst_enhed="dag"
    )
    x.ydelse(
        "217", p1, "104", "2022-01-01", None, sagsbehandler_id="T1", takst=10, takst_enhed="dag"
    )
    x.ydelse(
        "217", p2, "107", "2022-01-01", None, sagsbehandler_id="T1", takst=200, takst_enhed="dag"
    )
    x.ydelse("217", p3, "108", "2022-01-01", None, sagsbehandler_id="T1")  # no takst: costs 0
    x.ydelse("217", born(1992, 2, 1, 173), "104", "2022-01-01", None, sagsbehandler_id="T2")
    x.ydelse("217", born(1992, 3, 1, 174), "104", "2022-01-01", None, sagsbehandler_id="T3")
    x.ydelse("217", born(1992, 3, 2, 175), "108", "2022-01-01", None, sagsbehandler_id="T3")
    x.ydelse("217", born(1992, 4, 1, 176), "108", "2022-01-01", None, sagsbehandler_id="T4")


def test_each_target_group_by_its_dst_code_and_its_texts(cases):
    # 214, s = 31 March 2022, D(s) = 90 (MAALGRUPPE_VALUES). 02: A_g's §107 all quarter → 1 per
    # group; M adds 1 to kognitiv (Autisme, all quarter) and 30/90 to sindslidelse (1.2.2.1 from
    # 2 March). 1.10 is andet, not fysisk: it is not 1.1 followed by a dot.
    want_02 = {g: 1.0 for g in MAALGRUPPER} | {"kognitiv": 2.0, "sindslidelse": 1 + 30 / 90}
    for g, value in want_02.items():
        counted(cases, "214", S, "02", "maalgruppe", g, value)
    # the groups need not add up to the total: 7 persons all quarter, M counted once a day
    counted(cases, "214", S, "02", "total", "total", 7.0)
    # 03: B_g's §104 on s, its text (angst in lower case, Hjemløshed with ø); 04: A_g's §96
    # (DØVBLINDHED upper case, Intellektuel/Kognitiv forstyrrelse with a slash, -/- normalised to
    # nothing).
    for g in MAALGRUPPER:
        counted(cases, "214", S, "03", "maalgruppe", g, 1.0)
        counted(cases, "214", S, "04", "maalgruppe", g, 1.0)
        # 05: 02 + 03 + 04 of the group
        counted(cases, "214", S, "05", "maalgruppe", g, want_02[g] + 2)
    # 09: persons with an active service of the group on s: A_g and B_g; M in kognitiv and
    # sindslidelse both; the total counts M once: 13.
    for g in MAALGRUPPER:
        counted(
            cases, "214", S, "09", "maalgruppe", g, 3 if g in ("kognitiv", "sindslidelse") else 2
        )
    counted(cases, "214", S, "09", "total", "total", 13)
    # before M's second grant (28 February) the person counts in kognitiv only
    counted(cases, "214", "2022-02-28", "09", "maalgruppe", "sindslidelse", 2)
    counted(cases, "214", "2022-02-28", "09", "maalgruppe", "kognitiv", 3)


def test_a_target_group_row_is_there_for_every_value_also_when_0(cases):
    # 203 has no target group at all: every row is there, 0, but uoplyst.
    for g in MAALGRUPPER:
        assert cases.row("203", S, "09", "maalgruppe", g) == (
            (2.0, None, 2.0) if g == "uoplyst" else (0.0, None, 0.0)
        )


def test_an_unknown_target_group_is_andet_with_a_warning_counting_each_value(cases):
    # 1.10, 1.3 and Sansemæssig funktionsnedsættelse: three values the seed does not know; nothing
    # is quarantined for it.
    warned = cases.query(
        "SELECT unexpected_count, success FROM audit.expectation_results "
        "WHERE model = 'intermediate.int_maalgrupper' AND severity = 'warn'"
    )
    assert warned == [(3, False)]
    assert cases.query("SELECT count(*) FROM audit.quarantine") == [(0,)]


def test_07_egen_is_relative_to_the_municipality_that_pays(cases):
    # L5 is owned by 215: egen for 215, ekstern for 216, whose own is L6 (of type anden_kommune);
    # L7 has no ejerkommune and is egen by its type (from 2 March: 30/90).
    counted(cases, "215", S, "07", "leverandoertype", "egen", 1.0)
    counted(cases, "215", S, "07", "leverandoertype", "ekstern", 0.0)
    counted(cases, "216", S, "07", "leverandoertype", "egen", 1 + 30 / 90)
    counted(cases, "216", S, "07", "leverandoertype", "ekstern", 1.0)
    counted(cases, "216", S, "07", "total", "total", 2 + 30 / 90)


def test_08_by_team_is_the_mean_over_the_teams_caseworkers(cases):
    # 217 on s: T1 3 persons, T2 1, T3 2, T4 1 → 7 / 4. Øst (T1's ' Øst ' trimmed, and T2):
    # (3 + 1) / 2; ukendt (T3 without a team, T4 not in sagsbehandlere): (2 + 1) / 2.
    expect(cases, "217", S, "08", "total", "total", 7.0, 4.0, 1.75)
    expect(cases, "217", S, "08", "team", "Øst", 4.0, 2.0, 2.0)
    expect(cases, "217", S, "08", "team", "ukendt", 3.0, 2.0, 1.5)
    teams = {r[0] for r in cases.query(
        "SELECT breakdown_value FROM marts.indicator_values WHERE kommunekode = '217' "
        "AND indicator = '08' AND breakdown = 'team'")}  # fmt: skip
    assert teams == {"Øst", "ukendt"}


def test_08_and_10_by_paragraph_and_caseworker(cases):
    # 08, 217 on s: T1's persons with §107: p1, p2; with §104: p1; with §108: p3.
    want = {
        "107:T1": 2,
        "104:T1": 1,
        "108:T1": 1,
        "104:T2": 1,
        "104:T3": 1,
        "108:T3": 1,
        "108:T4": 1,
    }
    got = {
        v: n
        for v, n in cases.query(
            "SELECT breakdown_value, numerator FROM marts.indicator_values "
            "WHERE kommunekode = '217' AND status_date = '2022-03-31' AND indicator = '08' "
            "AND breakdown = 'paragraf:sagsbehandler'"
        )
    }
    assert got == want
    # 10: §107 p1 100 x 365 + p2 200 x 365 = 109,500 over 2; §104 p1 10 x 365 = 3,650 over 1; p3's
    # §108 costs nothing: no row. T1 in all: 113,150 over p1 and p2.
    expect(cases, "217", S, "10", "paragraf:sagsbehandler", "107:T1", 109500.0, 2.0, 54750.0)
    expect(cases, "217", S, "10", "paragraf:sagsbehandler", "104:T1", 3650.0, 1.0, 3650.0)
    assert cases.row("217", S, "10", "paragraf:sagsbehandler", "108:T1") is None
    expect(cases, "217", S, "10", "sagsbehandler", "T1", 113150.0, 2.0, 56575.0)


def test_a_bpa_spell_ending_in_the_month_is_afgang_of_hjaelperordning_and_of_all(cases):
    # 218: §96 from 1 January to 15 March 2022: its spell's last day lies in M(31 March).
    counted(cases, "218", S, "F2", "gruppe", "hjaelperordning", 1)
    counted(cases, "218", S, "F2", "total", "total", 1)
    counted(cases, "218", "2022-02-28", "F2", "total", "total", 0)
