"""Other years and every value of a mapping, by hand: the real `lis build` on tiny extracts.

- 2020, a leap year whose refusion thresholds have no 75 % step: each price unit (dag, maaned,
  aar, time) over 60 days around 29 February, and 06 at and above the 2020 thresholds;
- status dates on 1 January, 31 December and 29 February;
- each provider type (07), each placement type (A1), each paragraph of the catalogue in its area
  of 11, and each paragraph of the `timer` group in 01.

The arithmetic is in the comments; indicators.md is the source of every rule used.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.extract_builder import Extracts
from tests.test_indicators import born, counted, expect, published

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


# -- 2020: a leap year without a 75 % threshold ----------------------------------------------


def year_2020() -> Extracts:
    x = Extracts()
    # One municipality per price unit, each a §107/§96 service from 1 February to 31 March 2020:
    # 29 + 31 = 60 days; N(2020) = 366.
    x.ydelse(
        "501", born(1970, 1, 1, 1), "107", "2020-02-01", "2020-03-31", takst=1000, takst_enhed="dag"
    )
    x.ydelse(
        "502",
        born(1970, 1, 2, 2),
        "107",
        "2020-02-01",
        "2020-03-31",
        takst=36600,
        takst_enhed="maaned",
    )
    x.ydelse(
        "503",
        born(1970, 1, 3, 3),
        "107",
        "2020-02-01",
        "2020-03-31",
        takst=366000,
        takst_enhed="aar",
    )
    x.ydelse(
        "504",
        born(1970, 1, 4, 4),
        "96",
        "2020-02-01",
        "2020-03-31",
        takst=350,
        takst_enhed="time",
        timer_pr_uge=14,
    )
    # 505: 06 at the 2020 thresholds (25 % above 1,090,000; 50 % above 2,050,000; no 75 %), yearly
    # takster for the whole year: an `aar` takst over all 366 days is the takst itself.
    for serial, amount in enumerate([1090000, 1090001, 2050000, 2050001, 2200000]):
        x.ydelse(
            "505",
            born(1970, 2, 1 + serial, 10 + serial),
            "108",
            "2020-01-01",
            None,
            takst=amount,
            takst_enhed="aar",
        )
    return x


@pytest.fixture(scope="module")
def y2020(tmp_path_factory):
    return published(tmp_path_factory, "y2020", year_2020(), "2020-12-31")


def test_every_price_unit_in_a_leap_year(y2020):
    s = "2020-12-31"  # D(s) = 366
    # dag: 1,000 × 60; maaned: 36,600 × 12 / 366 = 1,200 a day × 60; aar: 366,000 / 366 = 1,000 a
    # day × 60; time: 350 × 14 / 7 = 700 a day × 60. (With N = 365: 72,197.26 and 60,164.38.)
    for kommune, disp in (("501", 60000.0), ("502", 72000.0), ("503", 60000.0), ("504", 42000.0)):
        expect(y2020, kommune, s, "11", "total", "total", disp, 0.0, None)  # no budget
    # 12 = DISP / HM: HM = 60/366 for the one person in botilbud.
    for kommune, disp in (("501", 60000.0), ("502", 72000.0), ("503", 60000.0)):
        expect(y2020, kommune, s, "12", "total", "total", disp, 60 / 366, disp / (60 / 366))
    expect(y2020, "504", s, "14", "total", "total", 42000.0, 60 / 366, 42000.0 / (60 / 366))
    # 01: 14 hours a week over 60 days / 366, per HM 60/366: 14.
    expect(y2020, "504", s, "01", "total", "total", 14 * 60 / 366, 60 / 366, 14.0)


def test_disposed_expenses_at_every_month_end_are_the_years(y2020):
    # DISP is the year's (J..E) as known at s: the same 72,000 at 29 February as at 31 December;
    # nothing at the previous year's month ends.
    for s in ("2020-01-31", "2020-02-29", "2020-06-30", "2020-12-31"):
        expect(y2020, "502", s, "11", "total", "total", 72000.0, 0.0, None)
    expect(y2020, "502", "2019-12-31", "11", "total", "total", 0.0, 0.0, None)


def test_refusion_in_a_year_without_a_75_step(y2020):
    s = "2020-12-31"
    # 1,090,000: not above the first threshold; 1,090,001 and 2,050,000: 25; 2,050,001 and
    # 2,200,000: 50 (2,200,000 is above 2021's 2,090,000 for 75, but 2020 has no such step).
    counted(y2020, "505", s, "06", "total", "total", 4)
    counted(y2020, "505", s, "06", "refusionssats", "25", 2)
    counted(y2020, "505", s, "06", "refusionssats", "50", 2)
    # and no row for the rate the year did not have (not even a 0, which says that it had it)
    for s in ("2020-02-29", "2020-12-31"):
        assert y2020.row("505", s, "06", "refusionssats", "75") is None


# -- status dates on 1 January, 31 December and 29 February -----------------------------------


def edges_of_the_year() -> Extracts:
    x = Extracts()
    # 601: one person in §107 since 2021, one whose §107 ended 31 December 2021, one from 1 January.
    x.ydelse("601", born(1970, 3, 1, 1), "107", "2021-06-01", None)
    x.ydelse("601", born(1970, 3, 2, 2), "107", "2021-06-01", "2021-12-31")
    x.ydelse("601", born(1970, 3, 3, 3), "108", "2022-01-01", None)
    # 602: §104 from 1 July 2022 (184 days of 2022) and §103 for all of 2022.
    x.ydelse("602", born(1970, 3, 4, 4), "104", "2022-07-01", None)
    x.ydelse("602", born(1970, 3, 5, 5), "103", "2022-01-01", "2022-12-31")
    return x


@pytest.fixture(scope="module")
def new_year(tmp_path_factory):
    return published(tmp_path_factory, "new_year", edges_of_the_year(), "2022-01-01")


@pytest.fixture(scope="module")
def new_years_eve(tmp_path_factory):
    return published(tmp_path_factory, "new_years_eve", edges_of_the_year(), "2022-12-31")


def test_status_date_on_1_january(new_year):
    s = "2022-01-01"  # D(s) = 1: one day of exposure is one helårsmodtager
    counted(new_year, "601", s, "02", "total", "total", 2.0)
    counted(new_year, "601", s, "02", "paragraf", "108", 1.0)
    counted(new_year, "601", s, "02", "paragraf", "107", 1.0)
    # The month ends of the year before are in the series: 31 December 2021 has both §107 persons
    # for 214 days (1 June to 31 December) of 365.
    counted(new_year, "601", "2021-12-31", "02", "total", "total", 2 * 214 / 365)
    # 2022-01-31 is after the status date: not in the series.
    assert new_year.row("601", "2022-01-31", "02") is None


def test_status_date_on_31_december(new_years_eve):
    s = "2022-12-31"  # D(s) = 365
    counted(new_years_eve, "601", s, "02", "total", "total", (365 + 365) / 365)
    # 602: §104 184 days, §103 365 days → HM 549/365 (not 03, a point count): 03 on 31 December
    # counts both; 13's denominator is the mean of 12 month-end point counts: January–June 1,
    # July–December 2 → 18 / 12 = 1.5.
    counted(new_years_eve, "602", s, "03", "total", "total", 2)
    expect(new_years_eve, "602", s, "13", "total", "total", 0.0, 1.5, 0.0)
    counted(new_years_eve, "602", "2022-06-30", "03", "total", "total", 1)


def test_status_date_on_29_february(tmp_path_factory):
    x = Extracts()
    x.ydelse("701", born(1970, 4, 1, 1), "104", "2024-01-15", None)
    x.ydelse("701", born(1970, 4, 2, 2), "104", "2024-02-29", None)
    x.ydelse("701", born(1970, 4, 3, 3), "107", "2024-02-01", None)
    wh = published(tmp_path_factory, "feb29", x, "2024-02-29")
    s = "2024-02-29"  # D(s) = 31 + 29 = 60
    counted(wh, "701", s, "03", "total", "total", 2)
    counted(wh, "701", s, "02", "total", "total", 29 / 60)
    # 13's denominator: PT at 31 January (1) and at s (2): 1.5.
    expect(wh, "701", s, "13", "total", "total", 0.0, 1.5, 0.0)
    assert wh.row("701", "2024-02-28", "03") is None


# -- every value of a mapping ------------------------------------------------------------------


def seed(name: str) -> list[dict]:
    with (ROOT / "seeds" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# Provider types (seeds/leverandoertyper.csv, and one outside it) and the 07 row they count in.
PROVIDERS = {"egen": "egen", "anden_kommune": "ekstern", "region": "ekstern", "privat": "ekstern"}


def mappings() -> Extracts:
    x = Extracts()
    # 801: one §108 person per provider type, each a different number of days up to 31 March
    # (D = 90), so each 07 row tells its providers apart.
    days = {"egen": 10, "anden_kommune": 20, "region": 40, "privat": 80, "kommunal": 5, None: 3}
    for serial, (kind, n) in enumerate(days.items()):
        provider = f"L{serial}" if kind else ""
        if kind:
            x.leverandoer(provider, kind)
        start = days_before("2022-03-31", n)
        x.ydelse(
            "801", born(1971, 1, 1 + serial, serial), "108", start, None, leverandoer_id=provider
        )
    # 802: one child per placement type, the k-th placed for 2**k days up to 31 March (1 to 64 of
    # D = 90), so A1's rows tell the types apart.
    for k, row in enumerate(seed("anbringelsestyper")):
        start = days_before("2022-03-31", 2**k)
        x.anbringelse("802", born(2012, 1, 1 + k, k), row["anbringelsestype"], start, None)
    # 803: every paragraph of ydelser for one day (1 March 2022) at a dag takst of 2**k kroner,
    # and 112 and 114 as one-off grants of 2**k kroner, so each area's sum of 11 names its
    # paragraphs. §85 is there twice: botilbudslignende (botilbud) and not (støtte i eget hjem).
    for k, (paragraf, lignende) in enumerate(_paragraphs()):
        person = born(1960, 1, 1 + k, k)
        if paragraf in ("112", "114"):
            x.engangsbevilling("803", person, paragraf, "2022-03-01", 2**k)
        else:
            x.ydelse(
                "803",
                person,
                paragraf,
                "2022-03-01",
                "2022-03-01",
                takst=2**k,
                takst_enhed="dag",
                botilbudslignende=lignende,
            )
    # A budget of 1,000,000 kroner per area, so that every row of 11 has a value.
    for row in seed("budgetomraader"):
        x.budget("803", 2022, row["omraade"], 1000000)
    # 804: each paragraph of the timer group with 2**k hours a week, one day each (1 March).
    for k, paragraf in enumerate(["83", "85", "95", "96", "97", "98", "99"]):
        x.ydelse(
            "804", born(1961, 1, 1 + k, k), paragraf, "2022-03-01", "2022-03-01", timer_pr_uge=2**k
        )
    return x


def days_before(day: str, n: int) -> str:
    """The first of the n days that end on `day`."""
    return (date.fromisoformat(day) - timedelta(days=n - 1)).isoformat()


def _paragraphs() -> list[tuple[str, bool]]:
    rows = [(row["paragraf"], False) for row in seed("paragraffer")]
    return rows + [("85", True)]


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    return published(tmp_path_factory, "mapped", mappings(), "2022-03-31")


def test_each_provider_type_in_07(mapped):
    s = "2022-03-31"
    # egen 10; ekstern: anden_kommune 20 + region 40 + privat 80; a type outside the catalogue
    # (kommunal, 5 days) and no provider (3 days): ukendt.
    counted(mapped, "801", s, "07", "leverandoertype", "egen", 10 / 90)
    counted(mapped, "801", s, "07", "leverandoertype", "ekstern", (20 + 40 + 80) / 90)
    counted(mapped, "801", s, "07", "leverandoertype", "ukendt", (5 + 3) / 90)
    counted(mapped, "801", s, "07", "total", "total", (10 + 20 + 40 + 80 + 5 + 3) / 90)


def test_each_placement_type_in_a1(mapped):
    s = "2022-03-31"
    for k, row in enumerate(seed("anbringelsestyper")):
        counted(mapped, "802", s, "A1", "anbringelsestype", row["anbringelsestype"], 2**k / 90)
    counted(mapped, "802", s, "A1", "total", "total", (2**7 - 1) / 90)


def test_each_paragraph_in_its_area_of_11(mapped):
    s = "2022-03-31"
    areas: dict[str, int] = {}
    total = 0
    for k, (paragraf, lignende) in enumerate(_paragraphs()):
        row = next(r for r in seed("paragraffer") if r["paragraf"] == paragraf)
        area = "botilbud" if lignende else row["omraade"]
        total += 2**k
        if area:
            areas[area] = areas.get(area, 0) + 2**k
    assert set(areas) == {r["omraade"] for r in seed("budgetomraader")}
    for area, amount in areas.items():
        expect(mapped, "803", s, "11", "omraade", area, float(amount), 1e6, amount / 1e6)
    expect(mapped, "803", s, "11", "total", "total", float(total), 5e6, total / 5e6)


def test_each_paragraph_of_the_timer_group_in_01(mapped):
    s = "2022-03-31"
    # One day each of D = 90: numerator 2**k / 90 hours, denominator 1/90 helårsmodtager.
    for k, paragraf in enumerate(["83", "85", "95", "96", "97", "98", "99"]):
        expect(mapped, "804", s, "01", "paragraf", paragraf, 2**k / 90, 1 / 90, float(2**k))
    expect(mapped, "804", s, "01", "total", "total", 127 / 90, 7 / 90, 127 / 7)
