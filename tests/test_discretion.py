"""Discretion: small counts hidden, and enough other cells hidden that none can be worked out,
in one indicator and across the linked system of marts; and the disclosure audit that proves it.
Hand-computed tables; the marks are what a reader of a report or a discreet export sees."""

from dataclasses import replace
from datetime import date

import duckdb
import pytest

from runner.disclosure_audit import audit, audit_system
from runner.discretion import COMPLEMENTARY, indicator_cells, mart_cells, pattern, suppress
from runner.discretion_policy import Cell, Policy
from runner.errors import ProjectError
from runner.project import load_project
from tests.tiny_project import write_project

T = ("total", "total")
S = date(2022, 11, 30)  # D(s) = 334
POLICY = Policy.of(load_project())


def p(indicator, value):
    return (indicator, "paragraf", value)


def row(indicator, breakdown, value, numerator, denominator=None, kommune="101", day=S):
    return {
        "kommunekode": kommune,
        "status_date": day,
        "indicator": indicator,
        "breakdown": breakdown,
        "breakdown_value": value,
        "numerator": float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "value": numerator
        if denominator is None
        else (numerator / denominator if denominator else None),
    }


def marks_of(cells: dict) -> dict:
    """(indicator, breakdown, value) -> count or (numerator, denominator): the marks of S."""
    rows = [
        row(*key, *(figures if isinstance(figures, tuple) else (figures,)))
        for key, figures in cells.items()
    ]
    return {
        (r["indicator"], r["breakdown"], r["breakdown_value"]): r["undertrykt"]
        for r in suppress(rows, 5, POLICY)
        if r["undertrykt"]
    }


def test_a_small_count_is_hidden_with_the_smallest_other_cell_of_its_sum():
    # 02: 3 + 9 + 8 = 20. Hiding 107 alone, 20 - 9 - 8 gives it back: 108 (9) or 85 (8) must go
    # too, the smaller one.
    marks = marks_of({("02", *T): 20, p("02", "107"): 3, p("02", "108"): 9, p("02", "85"): 8})
    assert marks == {p("02", "107"): "<5", p("02", "85"): COMPLEMENTARY}


def test_two_small_counts_in_one_sum_protect_each_other():
    marks = marks_of({("02", *T): 20, p("02", "107"): 3, p("02", "108"): 4, p("02", "85"): 13})
    assert marks == {p("02", "107"): "<5", p("02", "108"): "<5"}


def test_a_shown_zero_protects_nothing_so_a_non_zero_cell_is_hidden():
    marks = marks_of({("02", *T): 15, p("02", "107"): 3, p("02", "108"): 0, p("02", "85"): 12})
    assert marks == {p("02", "107"): "<5", p("02", "85"): COMPLEMENTARY}


def test_the_only_part_of_a_total_hides_the_total():
    marks = marks_of({("04", *T): 2.5, p("04", "96"): 2.5})
    assert marks == {("04", *T): "<5", p("04", "96"): "<5"}
    marks = marks_of({("03", *T): 7, p("03", "103"): 3, p("03", "104"): 0})
    assert marks == {p("03", "103"): "<5", ("03", *T): COMPLEMENTARY}


def test_zero_is_shown_and_the_threshold_itself_is_not_small():
    assert marks_of({("02", *T): 5, p("02", "107"): 5, p("02", "108"): 0}) == {}


def test_05_hides_the_same_paragraph_cells_as_02_to_04_and_its_total_is_their_sum():
    persons = {
        ("02", *T): 20,
        p("02", "107"): 3,
        p("02", "108"): 9,
        p("02", "85"): 8,
        ("03", *T): 30,
        p("03", "103"): 10,
        p("03", "104"): 20,
        ("04", *T): 6,
        p("04", "95"): 2,
        p("04", "96"): 4,
        ("05", *T): 56,
        **{p("05", k): v for k, v in [("107", 3), ("108", 9), ("85", 8), ("103", 10)]},
        **{p("05", k): v for k, v in [("104", 20), ("95", 2), ("96", 4)]},
    }
    # 04: 95 and 96 both small; 02: 107 small, 85 its complement; 05 hides the same cells.
    assert marks_of(persons) == {
        p("02", "107"): "<5",
        p("02", "85"): COMPLEMENTARY,
        p("04", "95"): "<5",
        p("04", "96"): "<5",
        p("05", "107"): "<5",
        p("05", "85"): COMPLEMENTARY,
        p("05", "95"): "<5",
        p("05", "96"): "<5",
    }


def test_05s_total_protects_a_small_part_total():
    persons = {("02", *T): 20, ("03", *T): 30, ("04", *T): 3, ("05", *T): 53}
    # 05 = 02 + 03 + 04: with 04 hidden, 53 - 20 - 30 = 3; the smaller of 02 and 03 goes too.
    assert marks_of(persons) == {("04", *T): "<5", ("02", *T): COMPLEMENTARY}


def test_an_average_over_few_persons_is_hidden_by_its_denominator():
    # 12: 400,000 kr. a helaarsmodtager; 107 averages over 4: hidden, whatever its size.
    marks = marks_of(
        {
            ("12", *T): (5_600_000, 14),
            p("12", "107"): (1_600_000, 4),
            p("12", "108"): (4_000_000, 10),
        }
    )
    assert marks == {p("12", "107"): "<5", p("12", "108"): COMPLEMENTARY}


def test_an_average_over_no_person_on_the_day_is_hidden():
    # issue 24: a discreet row showed one person's §100 grant, 15;paragraf;100;14794,52;0
    marks = marks_of(
        {
            ("15", *T): (54_794.52, 6),
            p("15", "100"): (14_794.52, 0),
            p("15", "112_114"): (40_000, 6),
        }
    )
    assert marks[p("15", "100")] == "<5"
    # and 15's total less the one-off grants would give it back
    assert COMPLEMENTARY in marks.values()


def test_09s_persons_in_dagtilbud_by_age_add_up_to_03():
    age = "aldersgruppe:dagtilbud"
    persons = {("03", *T): 30, ("09", age, "16-17"): 2, ("09", age, "18-23"): 28}
    assert marks_of(persons) == {
        ("09", age, "16-17"): "<5",
        ("09", age, "18-23"): COMPLEMENTARY,
    }


def test_the_money_of_few_persons_is_hidden_with_its_complement():
    # issue 24: 11 by omraade showed hjaelperordning at 50 % of a 2,000,000 budget for 2 users
    cells = {
        ("04", *T): 2,
        ("02", *T): 12,
        ("03", *T): 20,
        ("09", *T): 34,
        ("11", *T): (9_000_000, 10_000_000),
        ("11", "omraade", "hjaelperordning"): (1_000_000, 2_000_000),
        ("11", "omraade", "botilbud"): (6_000_000, 6_000_000),
        ("11", "omraade", "dagtilbud"): (2_000_000, 2_000_000),
    }
    marks = marks_of(cells)
    assert marks[("11", "omraade", "hjaelperordning")] == "<5"
    assert marks[("11", "omraade", "dagtilbud")] == COMPLEMENTARY
    assert ("11", *T) not in marks and ("02", *T) not in marks


def test_11_counts_no_persons_and_shows_the_money_of_many():
    cells = {
        ("02", *T): 12,
        ("09", *T): 12,
        ("11", *T): (9, 10),
        ("11", "omraade", "botilbud"): (4, 10),
    }
    assert marks_of(cells) == {}


# The small municipality of issue 24: 12 persons in botilbud, 2 with BPA, 20 in dagtilbud.


def small_municipality() -> dict:
    """Every linked cell of one status date, 30 November 2022 (D = 334), as the marts hold it."""
    rows = [
        row("02", "total", "total", 12),
        row("02", "paragraf", "107", 12),
        row("03", "total", "total", 20),
        row("03", "paragraf", "103", 20),
        row("04", "total", "total", 2),
        row("04", "paragraf", "96", 2),
        row("05", "total", "total", 34),
        *(row("05", "paragraf", v, n) for v, n in (("107", 12), ("103", 20), ("96", 2))),
        row("07", "total", "total", 12),
        row("07", "leverandoertype", "egen", 12),
        row("09", "total", "total", 32),
        row("09", "aldersgruppe", "24-49", 32),
        row("09", "aldersgruppe:botilbud", "24-49", 12),
        row("09", "aldersgruppe:dagtilbud", "24-49", 20),
        row("09", "aldersgruppe:hjaelperordning", "24-49", 2),
        # 500,000 kr. a year in botilbud, 100,000 in dagtilbud, 1,000,000 BPA
        row("11", "total", "total", 10_000_000, 12_000_000),
        row("11", "omraade", "botilbud", 6_000_000, 6_500_000),
        row("11", "omraade", "dagtilbud", 2_000_000, 2_500_000),
        row("11", "omraade", "hjaelperordning", 2_000_000, 3_000_000),
        row("12", "total", "total", 6_000_000, 12),
        row("12", "paragraf", "107", 6_000_000, 12),
        row("13", "total", "total", 2_000_000, 20),
        row("13", "paragraf", "103", 2_000_000, 20),
        row("14", "total", "total", 2_000_000, 2),
        row("14", "paragraf", "96", 2_000_000, 2),
    ]
    units = indicator_cells(rows)
    months = [
        {"kommunekode": "101", "gruppe": gruppe, "maaned": date(2022, m, 1), "dage": d}
        for gruppe, persons in (("botilbud", 12), ("hjaelperordning", 2))
        for m, d in zip(range(1, 12), (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30), strict=True)
    ]
    for month in months:
        persons = 12 if month["gruppe"] == "botilbud" else 2
        month["persondage"] = persons * month["dage"]
        month["helmaanedsmodtagere"] = float(persons)
    mart_cells(POLICY.by_model["helmaanedsmodtagere"], months, units)
    return units


def test_the_small_municipality_is_hand_computed():
    (cells,) = small_municipality().values()
    botilbud = [
        f for c, f in cells.items() if c.mart == "helmaanedsmodtagere" and c.breakdown == "botilbud"
    ]
    assert sum(f["persondage"] for f in botilbud) == 4008 == 12 * 334


def test_a_hidden_count_hides_its_twins_across_the_linked_marts():
    units = small_municipality()
    marks = {
        (cell.mart, cell.breakdown, cell.value): m
        for (_, cell), m in pattern(units, POLICY, 5).items()
    }
    assert marks[("04", *T)] == "<5" and marks[("02", *T)] == COMPLEMENTARY
    # 12 = 02 is published as 07's total, 12's denominator, 09's persons in botilbud by age and
    # the months of helmaanedsmodtagere (4008 person-days / 334 days): each hides with 02.
    assert marks[("07", *T)] == COMPLEMENTARY
    assert marks[("12", *T)] == COMPLEMENTARY
    assert marks[("09", "aldersgruppe:botilbud", "24-49")] == COMPLEMENTARY
    assert any(key[0] == "helmaanedsmodtagere" and key[1] == "botilbud" for key in marks)
    # 14's denominator is 04, and 11's hjaelperordning is the money of 2 persons
    assert marks[("14", *T)] == "<5" and marks[("11", "omraade", "hjaelperordning")] == "<5"


def test_the_audit_finds_no_hidden_count_a_reader_can_work_out_in_the_small_municipality():
    assert audit(small_municipality(), POLICY, 5, 1) == []


def test_the_audit_catches_the_pattern_of_the_python_tables_of_before():
    # They hid 04 and its complement 02, but published 12 as 07's total: 04 = 05 - 03 - 07 = 2.
    (((kommune, _), cells),) = small_municipality().items()
    before = {
        Cell("04", S, *T): "<5",
        Cell("04", S, "paragraf", "96"): "<5",
        Cell("05", S, "paragraf", "96"): "<5",
        Cell("02", S, *T): COMPLEMENTARY,
        Cell("14", S, *T): "<5",
        Cell("14", S, "paragraf", "96"): "<5",
    }
    findings = audit_system(kommune, cells, before, POLICY, 5, 1)
    disclosed = {(f.cell.mart, f.cell.breakdown, f.column): (f.low, f.high) for f in findings}
    assert disclosed[("04", "total", "taeller")] == pytest.approx((2, 2))
    assert disclosed[("02", "total", "taeller")] == pytest.approx((12, 12))


def test_the_audit_catches_a_sum_the_declaration_forgot():
    # 02's paragraphs declared as adding up to nothing: 107 is hidden alone, and 20 - 9 - 8 = 3
    forgot = replace(POLICY.by_mart["02"].breakdowns["paragraf"], sums_to=None)
    declaration = POLICY.by_mart["02"]
    declaration = replace(declaration, breakdowns={**declaration.breakdowns, "paragraf": forgot})
    policy = Policy([*(d for d in POLICY.by_mart.values() if d.mart != "02"), declaration])
    units = indicator_cells(
        [row("02", "total", "total", 20)]
        + [row("02", "paragraf", v, n) for v, n in (("107", 3), ("108", 9), ("85", 8))]
    )
    (finding,) = audit(units, policy, 5, 1)
    assert (finding.cell.value, finding.low, finding.high) == (
        "107",
        pytest.approx(3),
        pytest.approx(3),
    )
    assert "02 paragraf adds up to its total" in str(finding)


def test_a_16th_indicator_without_a_declaration_is_refused_when_the_project_loads(tmp_path):
    from runner.cli import main

    vare = {"indikator": "16", "navn": "Ny"}
    root = write_project(
        tmp_path,
        {"marts/ind_16_ny": "select 1 as taeller"},
        yml={"marts": [{"name": "ind_16_ny", "meta": {"varedeklaration": vare}}]},
    )
    with pytest.raises(ProjectError, match=r"_marts.yml: model ind_16_ny has no meta.discretion"):
        load_project(root)
    assert main(["--project", str(root), "compile", "ind_16_ny"]) == 2


def test_a_breakdown_the_declaration_does_not_know_is_hidden():
    marks = marks_of({("02", *T): 20, ("02", "ny_opdeling", "a"): 20})
    assert marks == {("02", "ny_opdeling", "a"): COMPLEMENTARY}


def test_suppress_empties_the_hidden_rows_per_municipality_and_date():
    def row(kommune, breakdown, value, numerator):
        return {
            "kommunekode": kommune,
            "status_date": date(2026, 3, 31),
            "indicator": "A1",
            "breakdown": "anbringelsestype" if value != "total" else "total",
            "breakdown_value": value,
            "numerator": numerator,
            "denominator": None,
            "value": numerator,
        }

    rows = [
        row("101", "total", "total", 12.0),
        row("101", "t", "plejefamilie", 2.0),
        row("101", "t", "opholdssted", 10.0),
        row("751", "total", "total", 12.0),
        row("751", "t", "plejefamilie", 6.0),
        row("751", "t", "opholdssted", 6.0),
    ]
    out = {(r["kommunekode"], r["breakdown_value"]): r for r in suppress(rows, 5, POLICY)}
    assert out["101", "plejefamilie"]["undertrykt"] == "<5"
    assert out["101", "plejefamilie"]["value"] is None
    assert out["101", "opholdssted"]["undertrykt"] == COMPLEMENTARY
    assert out["101", "opholdssted"]["numerator"] is None
    assert out["101", "total"]["value"] == 12.0
    assert all(out["751", v]["undertrykt"] is None for v in ("total", "plejefamilie"))


def test_a_varedeklaration_without_a_field_is_a_project_error(tmp_path):
    from runner.varedeklaration import entries

    declared = {"indikator": "01", "navn": "Timer", "enhed": "timer"}
    PUBLIC = {"discretion": {"public": "a test's model"}}
    root = write_project(
        tmp_path,
        {"marts/ind_01": "select 1 as x"},
        yml={"marts": [{"name": "ind_01", "meta": {"varedeklaration": declared, **PUBLIC}}]},
    )
    with pytest.raises(ProjectError, match="ind_01: varedeklaration lacks emne, formaal"):
        entries(load_project(root))


def test_the_audit_knows_a_mark_bounds_its_cell_and_suppression_answers_it():
    # 03: two cells of whole persons marked <5 (each 1-4) that add up to 8 are both 4.
    cells = {("03", *T): 8, p("03", "103"): 4, p("03", "104"): 4}
    (((kommune, _), table),) = indicator_cells([row(*k, v) for k, v in cells.items()]).items()
    two = {Cell("03", S, "paragraf", v): "<5" for v in ("103", "104")}
    findings = {
        (f.cell.value, f.low, f.high) for f in audit_system(kommune, table, two, POLICY, 5, 1)
    }
    assert findings == {("103", 4.0, 4.0), ("104", 4.0, 4.0)}
    # so the total is hidden too
    assert marks_of(cells) == {
        p("03", "103"): "<5",
        p("03", "104"): "<5",
        ("03", *T): COMPLEMENTARY,
    }


def test_the_discreet_helmaanedsmodtagere_do_not_give_back_what_02_hides():
    # issue 24: 02 hidden as 04's complement, yet the discreet helmaanedsmodtagere summed to
    # 4008 person-days over 334 days = 12. In the export the months hide with 02.
    import duckdb
    import pandas

    from runner.discretion import discreet_transform
    from runner.export import _tables

    (((_, _), cells),) = small_municipality().items()
    con = duckdb.connect()
    con.execute("create schema marts; create schema intermediate")
    # who is in which team (none here): a published warehouse always holds it
    con.execute(
        "create table intermediate.int_sagsbehandlere (sagsbehandler_id varchar, team varchar)"
    )
    rows = [
        {
            "kommunekode": "101",
            "status_date": c.date,
            "indicator": c.mart,
            "breakdown": c.breakdown,
            "breakdown_value": c.value,
            "numerator": f["taeller"],
            "denominator": f.get("naevner"),
            "value": f["vaerdi"],
        }
        for c, f in cells.items()
        if c.mart != "helmaanedsmodtagere"
    ]
    months = [
        {
            "kommunekode": "101",
            "gruppe": c.breakdown,
            "maaned": c.date,
            "persondage": f["persondage"],
            "dage": round(f["persondage"] / f["helmaanedsmodtagere"]),
            "helmaanedsmodtagere": f["helmaanedsmodtagere"],
        }
        for c, f in cells.items()
        if c.mart == "helmaanedsmodtagere"
    ]
    for name, frame in (("indicator_values", rows), ("helmaanedsmodtagere", months)):
        con.register("frame", pandas.DataFrame(frame))
        con.execute(f"create table marts.{name} as select * from frame")
        con.unregister("frame")
    con.execute(
        "create table marts.varedeklaration as select 'ind_02_botilbud' as model, '02' as indicator"
    )
    project = load_project()
    table = next(t for t in _tables(con, project) if t.name == "helmaanedsmodtagere")
    discreet = discreet_transform(project)(con, table)
    shown = con.execute(
        f"select sum(persondage) filter (where gruppe = 'botilbud'), "
        f"count(*) filter (where gruppe = 'botilbud' and undertrykt is not null) "
        f"from ({discreet.query})"
    ).fetchone()
    assert shown[1] >= 1 and shown[0] < 4008


def test_a_caseworkers_paragraph_cells_add_up_to_the_caseworkers_money():
    # contract-a's 10 paragraf:sagsbehandler, declared as one entry: 107:S12 and 108:S12 add up
    # to S12's money, so 107:S12 (2 persons) hidden alone is S12 less 108:S12.
    declaration = POLICY.by_mart["10"]
    entry = {"sums_to": "sagsbehandler", "columns": ["taeller"]}
    meta = {"varedeklaration": {"indikator": "10"}, "discretion": {
        "counts": declaration.counts,
        "breakdowns": {"sagsbehandler": {"sums_to": "total", "columns": ["taeller"]},
                       "paragraf:sagsbehandler": entry}}}  # fmt: skip
    from runner.discretion_policy import parse

    ten = parse(declaration.model, meta, declaration.path)
    policy = Policy([*(d for d in POLICY.by_mart.values() if d.mart != "10"), ten])
    rows = [
        row("10", "total", "total", 600_000, 8),
        row("10", "sagsbehandler", "S12", 600_000, 8),
        row("10", "paragraf:sagsbehandler", "107:S12", 200_000, 2),
        row("10", "paragraf:sagsbehandler", "108:S12", 400_000, 6),
    ]
    marks = {r["breakdown_value"]: r["undertrykt"] for r in suppress(rows, 5, policy)}
    assert marks["107:S12"] == "<5" and marks["108:S12"] == COMPLEMENTARY


def test_a_report_of_an_indicator_this_project_declares_nothing_for_is_refused(tmp_path, capsys):
    """Fail closed at the reading end too: a warehouse holding an indicator whose discretion no
    model of the project declares (a 16th, built by another version) gives no page at all."""
    from runner.cli import main
    from tests.report_warehouse import declaration, make_warehouse, row

    day = date(2026, 11, 30)
    warehouse = make_warehouse(
        tmp_path / "lis.duckdb",
        [
            row("101", day, "02", "total", "total", 12.0),
            row("101", day, "16", "total", "total", 2.0),
        ],
        [declaration("02", "Antal brugere i botilbud"), declaration("16", "En ny indikator")],
        status_date=day,
    )
    out = tmp_path / "reports"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out)]) == 2
    assert "16" in capsys.readouterr().err.splitlines()[-1]
    assert not out.exists()


def test_a_per_capita_row_is_hidden_with_its_count():
    # 04 = 2 helaarsmodtagere in a municipality of 2,330 aged 18-64: the row per 1,000 (2 x 1000 /
    # 2330 = 0.858) times the public population over 1000 gives the 2 back.
    marks = marks_of(
        {
            ("04", *T): 2,
            p("04", "96"): 2,
            ("04", "pr_1000_18_64", "total"): (2000, 2330),
            ("03", *T): 20,
            ("03", "pr_1000_18_64", "total"): (20000, 2330),
        }
    )
    assert marks[("04", *T)] == "<5" and ("04", "pr_1000_18_64", "total") in marks
    assert ("03", "pr_1000_18_64", "total") not in marks


def test_target_groups_of_one_group_per_person_do_not_give_back_a_small_one():
    # 02 = 12 in botilbud, each person in one target group: fysisk 3, kognitiv 9. The rows may
    # overlap, but where they do not, 12 - 9 = 3 gives the hidden fysisk back (the review's
    # hand-made municipality: 02's and 09's maalgruppe=<5 worked out exactly): kognitiv hides too.
    marks = marks_of(
        {
            ("02", *T): 12,
            p("02", "107"): 12,
            ("02", "maalgruppe", "fysisk"): 3,
            ("02", "maalgruppe", "kognitiv"): 9,
        }
    )
    assert marks[("02", "maalgruppe", "fysisk")] == "<5"
    assert ("02", "maalgruppe", "kognitiv") in marks
    (((kommune, _), cells),) = indicator_cells(
        [
            row("02", *k, v)
            for k, v in {T: 12, ("maalgruppe", "fysisk"): 3, ("maalgruppe", "kognitiv"): 9}.items()
        ]
    ).items()
    hidden = {c: m for (k, c), m in pattern({(kommune, 2022): cells}, POLICY, 5).items()}
    assert audit_system(kommune, cells, hidden, POLICY, 5, 1) == []


def test_13s_denominator_is_the_mean_of_03s_month_ends_and_gives_nothing_back():
    # The three-municipality demo's finding: on 31 January 13's denominator by paragraph is 03's
    # point count by paragraph (APT of one month). 03 = 31 (103: 4, 104: 27); hiding 103 and its
    # complement 104 in 03 while 13 shows 104's denominator 27 gave 103 back as 31 - 27 = 4.
    jan = date(2022, 1, 31)
    rows = [
        row("03", *T, 31, day=jan),
        row("03", "paragraf", "103", 4, day=jan),
        row("03", "paragraf", "104", 27, day=jan),
        row("13", *T, 310000, 31, day=jan),
        row("13", "paragraf", "103", 40000, 4, day=jan),
        row("13", "paragraf", "104", 270000, 27, day=jan),
    ]
    units = indicator_cells(rows)
    assert audit(units, POLICY, 5, 1) == []
    marks = {
        (r["indicator"], r["breakdown"], r["breakdown_value"]): r["undertrykt"]
        for r in suppress(rows, 5, POLICY)
        if r["undertrykt"]
    }
    assert marks[("03", "paragraf", "103")] == "<5"
    assert ("13", "paragraf", "104") in marks  # its denominator is 03's 104, hidden with it


def test_the_marks_themselves_do_not_give_small_age_bands_away():
    # the worked example's 751 on 2022-02-28: four age bands of 1 person under a total of 4, all
    # `<5`. Each band is at least 1 and the total at most 4, so every one of them is exactly 1,
    # whatever else is hidden: one mark (and its twins') says `x`, which tells a reader nothing.
    bands = {"0-15": 1, "16-17": 0, "18-23": 0, "24-49": 1, "50-64": 1, "65+": 1}
    cells = {("09", *T): 4, **{("09", "aldersgruppe", v): n for v, n in bands.items()}}
    units = indicator_cells([row(*k, v) for k, v in cells.items()])
    assert audit(units, POLICY, 5, 1) == []
    marks = marks_of(cells)
    assert COMPLEMENTARY in marks.values() and "<5" in marks.values()
    assert all(k in marks for k, v in cells.items() if v)


# The same municipality built twice: at the end of October and on 23 November (month to date), so
# that year-to-date figures at the two dates and the months of helmaanedsmodtagere between them
# (November's up to the 23rd) relate.
OCT, NOV = date(2022, 10, 31), date(2022, 11, 23)  # D = 304, 327


def small_municipality_twice() -> dict:
    """Every linked cell of both status dates, as the marts hold them: 12 persons in botilbud, 2
    with BPA (who are in dagtilbud too), 20 in dagtilbud, all since 1 January."""
    rows = []
    for day in (OCT, NOV):
        d = (day - date(2022, 1, 1)).days + 1
        rows += [
            row("02", *T, 12, day=day),
            row("02", "paragraf", "107", 12, day=day),
            row("02", "maalgruppe", "kognitiv", 12, day=day),
            row("02", "pr_1000_18_64", "total", 12_000, 2330, day=day),
            row("03", *T, 20, day=day),
            row("03", "paragraf", "103", 20, day=day),
            row("04", *T, 2, day=day),
            row("04", "paragraf", "96", 2, day=day),
            row("04", "pr_1000_18_64", "total", 2000, 2330, day=day),
            row("05", *T, 34, day=day),
            *(
                row("05", "paragraf", v, n, day=day)
                for v, n in (("107", 12), ("103", 20), ("96", 2))
            ),
            row("07", *T, 12, day=day),
            row("07", "leverandoertype", "egen", 12, day=day),
            row("09", *T, 32, day=day),
            row("09", "aldersgruppe", "24-49", 32, day=day),
            row("09", "aldersgruppe:botilbud", "24-49", 12, day=day),
            row("09", "aldersgruppe:dagtilbud", "24-49", 20, day=day),
            row("09", "aldersgruppe:hjaelperordning", "24-49", 2, day=day),
            row("V1", *T, 32 * d, 32, day=day),
            row("V1", "aldersgruppe", "24-49", 32 * d, 32, day=day),
            *(
                row("V1", "gruppe", g, n * d, n, day=day)
                for g, n in (("botilbud", 12), ("dagtilbud", 20), ("hjaelperordning", 2))
            ),  # fmt: skip
            row("F1", *T, 0, day=day),
            row("F2", *T, 0, day=day),
            # the year's disposed expenses, the same at both dates
            row("11", *T, 10_000_000, 12_000_000, day=day),
            row("11", "omraade", "botilbud", 6_000_000, 6_500_000, day=day),
            row("11", "omraade", "dagtilbud", 2_000_000, 2_500_000, day=day),
            row("11", "omraade", "hjaelperordning", 2_000_000, 3_000_000, day=day),
            row("12", *T, 6_000_000, 12, day=day),
            row("12", "paragraf", "107", 6_000_000, 12, day=day),
            row("13", *T, 2_000_000, 20, day=day),
            row("13", "paragraf", "103", 2_000_000, 20, day=day),
            row("14", *T, 2_000_000, 2, day=day),
            row("14", "paragraf", "96", 2_000_000, 2, day=day),
        ]
    units = indicator_cells(rows)
    days = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 23)  # November up to the 23rd
    months = [
        {"kommunekode": "101", "gruppe": gruppe, "maaned": date(2022, m, 1), "dage": d,
         "persondage": persons * d, "helmaanedsmodtagere": float(persons)}
        for gruppe, persons in (("botilbud", 12), ("dagtilbud", 20), ("hjaelperordning", 2))
        for m, d in zip(range(1, 12), days, strict=True)
    ]  # fmt: skip
    mart_cells(POLICY.by_model["helmaanedsmodtagere"], months, units)
    return units


def test_the_small_municipality_built_twice_is_hand_computed():
    (cells,) = small_municipality_twice().values()
    botilbud = [
        f["persondage"]
        for c, f in cells.items()
        if c.mart == "helmaanedsmodtagere" and c.breakdown == "botilbud"
    ]
    assert sum(botilbud[:10]) == 12 * 304 and sum(botilbud) == 12 * 327


def test_the_audit_passes_the_small_municipality_built_twice():
    units = small_municipality_twice()
    marks = {
        (cell.date, cell.mart, cell.breakdown, cell.value): m
        for (_, cell), m in pattern(units, POLICY, 5).items()
    }
    for day in (OCT, NOV):
        assert marks[day, "04", *T] == "<5" and (day, "02", *T) in marks
        assert marks[day, "14", *T] == "<5" and (day, "07", *T) in marks
        # V1's spells in botilbud on s are 09's persons in botilbud by age: 02 where nobody came
        # or went (issue 24's review: V1's denominators)
        assert (day, "V1", "gruppe", "botilbud") in marks
    # November's month to date of BPA, 2 x 23 person-days, is 04's
    assert (date(2022, 11, 1), "helmaanedsmodtagere", "hjaelperordning", "") in marks
    assert audit(units, POLICY, 5, 1) == []


def test_a_caseworkers_small_caseload_is_not_its_team_less_the_others():
    # issue 24's review: the leaders' pages show each team's caseload beside its caseworkers'.
    # S1's 3 persons hidden with S4 (the smallest other of the total) left team A's 13 - S2's 10.
    # The team is the sum of its caseworkers (int_sagsbehandlere says who is in which).
    import duckdb
    import pandas

    from runner.disclosure_audit import audit_warehouse
    from runner.discretion import discreet_rows

    rows = [
        row("08", *T, 34, 4),
        row("08", "team", "A", 13, 2),
        row("08", "team", "B", 21, 2),
        *(row("08", "sagsbehandler", s, n) for s, n in (("S1", 3), ("S2", 10), ("S3", 12))),
        row("08", "sagsbehandler", "S4", 9),
    ]
    con = duckdb.connect()
    con.execute("create schema marts; create schema intermediate")
    con.register("frame", pandas.DataFrame(rows))
    con.execute("create table marts.indicator_values as select * from frame")
    con.execute(
        "create table intermediate.int_sagsbehandlere as select * from (values "
        "('S1', 'A'), ('S2', 'A'), ('S3', 'B'), ('S4', 'B')) as t(sagsbehandler_id, team)"
    )
    marks = {r["breakdown_value"]: r["undertrykt"] for r in discreet_rows(con, 5, POLICY)}
    assert marks["S1"] == "<5" and (marks["S2"] or marks["A"])
    assert audit_warehouse(con, POLICY, 5, 1) == []


def test_who_went_is_not_who_came_less_the_change_of_03():
    # issue 24's review (flows): 03 went from 20 on 30 September to 25 on 31 October, 7 came into
    # dagtilbud in October (F1), so the 2 who went (F2, hidden) are 7 - (25 - 20).
    sep, oct_ = date(2022, 9, 30), date(2022, 10, 31)
    rows = [
        row("03", *T, 20, day=sep),
        row("03", *T, 25, day=oct_),
        row("F1", "gruppe", "dagtilbud", 7, day=oct_),
        row("F2", "gruppe", "dagtilbud", 2, day=oct_),
    ]
    marks = {(r["indicator"], r["status_date"]): r["undertrykt"] for r in suppress(rows, 5, POLICY)}
    assert marks[("F2", oct_)] == "<5"
    assert any(marks[key] == COMPLEMENTARY for key in [("F1", oct_), ("03", sep), ("03", oct_)])
    assert audit(indicator_cells(rows), POLICY, 5, 1) == []


def test_a_cause_of_few_grants_is_not_nu_less_forrige_and_the_other_causes():
    # issue 24: an amount of money spent on fewer than 5 (aendringer's causes) is hidden with its
    # complement; forrige and the causes add up to nu, which stay shown (11's figures)
    causes = {"forrige": (1_000_000, 50), "ny": (200_000, 3), "bortfaldet": (-100_000, 6),
              "periode": (0, 0), "pris": (50_000, 10), "omklassificeret": (0, 0),
              "nu": (1_150_000, 52)}  # fmt: skip
    rows = [
        {"kommunekode": "101", "status_date": S, "omraade": "botilbud", "aarsag": aarsag,
         "beloeb": float(beloeb), "bevillinger": bevillinger}
        for aarsag, (beloeb, bevillinger) in causes.items()
    ]  # fmt: skip
    units = indicator_cells(
        [row("02", *T, 12), row("11", "omraade", "botilbud", 1_150_000, 2_000_000)]
    )
    mart_cells(POLICY.by_model["aendringer"], rows, units)
    marks = {cell.value: m for (_, cell), m in pattern(units, POLICY, 5).items()}
    assert marks["ny"] == "<5" and COMPLEMENTARY in marks.values()
    assert "forrige" not in marks and "nu" not in marks
    assert audit(units, POLICY, 5, 1) == []


def test_a_warehouse_without_the_teams_members_is_refused_not_read_open():
    # Without who is in which team, a caseworker's small caseload is the team's less the others'
    # and neither suppression nor the audit would know: refuse, as a missing declaration is.
    con = duckdb.connect()
    with pytest.raises(ProjectError, match="members reads int_sagsbehandlere"):
        POLICY.with_groups(con)
    con.execute("create table int_sagsbehandlere as select 'sb1' as sagsbehandler_id, 't1' as team")
    assert POLICY.with_groups(con).groups["08", "team"] == {"sb1": "t1"}


def test_the_pattern_does_not_depend_on_the_order_of_the_rows():
    # the age bands above: which `<5` band says `x` is a choice among equals. marts.indicator_values
    # has no prescribed row order, so the choice must not follow it: rows in reverse order (the
    # total last, 65+ first) give the same marks.
    bands = {"0-15": 1, "16-17": 0, "18-23": 0, "24-49": 1, "50-64": 1, "65+": 1}
    cells = {("09", *T): 4, **{("09", "aldersgruppe", v): n for v, n in bands.items()}}
    backwards = dict(reversed(list(cells.items())))
    assert marks_of(backwards) == marks_of(cells)
