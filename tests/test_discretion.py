"""Discretion: small counts hidden, and enough other cells hidden that none can be worked out.
Hand-computed tables; the marks are what a reader of a report or a discreet export sees."""

from datetime import date

from runner.discretion import COMPLEMENTARY, marks_of, suppress

T = ("total", "total")


def p(indicator, value):
    return (indicator, "paragraf", value)


def test_a_small_count_is_hidden_with_the_smallest_other_cell_of_its_sum():
    # 02: 3 + 9 + 8 = 20. Hiding 107 alone, 20 - 9 - 8 gives it back: 108 (9) or 85 (8) must go
    # too, the smaller one.
    marks = marks_of({("02", *T): 20, p("02", "107"): 3, p("02", "108"): 9, p("02", "85"): 8}, 5)
    assert marks == {p("02", "107"): "<5", p("02", "85"): COMPLEMENTARY}


def test_two_small_counts_in_one_sum_protect_each_other():
    marks = marks_of({("02", *T): 20, p("02", "107"): 3, p("02", "108"): 4, p("02", "85"): 13}, 5)
    assert marks == {p("02", "107"): "<5", p("02", "108"): "<5"}


def test_a_shown_zero_protects_nothing_so_a_non_zero_cell_is_hidden():
    marks = marks_of({("02", *T): 15, p("02", "107"): 3, p("02", "108"): 0, p("02", "85"): 12}, 5)
    assert marks == {p("02", "107"): "<5", p("02", "85"): COMPLEMENTARY}


def test_the_only_part_of_a_total_hides_the_total():
    marks = marks_of({("04", *T): 2.5, p("04", "96"): 2.5}, 5)
    assert marks == {("04", *T): "<5", p("04", "96"): "<5"}
    marks = marks_of({("03", *T): 7, p("03", "103"): 3, p("03", "104"): 0}, 5)
    assert marks == {p("03", "103"): "<5", ("03", *T): COMPLEMENTARY}


def test_zero_is_shown_and_the_threshold_itself_is_not_small():
    assert marks_of({("02", *T): 5, p("02", "107"): 5, p("02", "108"): 0}, 5) == {}


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
    marks = marks_of(persons, 5)
    # 04: 95 and 96 both small; 02: 107 small, 85 its complement; 05 hides the same cells.
    assert marks == {
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
    assert marks_of(persons, 5) == {("04", *T): "<5", ("02", *T): COMPLEMENTARY}


def test_an_average_over_few_persons_is_hidden_by_its_denominator():
    # 12: 400,000 kr. over 4 helaarsmodtagere: the average hides, whatever its size.
    marks = marks_of({("12", *T): 14, p("12", "107"): 4, p("12", "108"): 10}, 5)
    assert marks == {p("12", "107"): "<5", p("12", "108"): COMPLEMENTARY}


def test_09s_persons_in_dagtilbud_by_age_add_up_to_03():
    age = "aldersgruppe:dagtilbud"
    persons = {("03", *T): 30, ("09", age, "16-17"): 2, ("09", age, "18-23"): 28}
    assert marks_of(persons, 5) == {
        ("09", age, "16-17"): "<5",
        ("09", age, "18-23"): COMPLEMENTARY,
    }


def test_11_counts_no_persons_and_is_never_hidden():
    assert marks_of({("11", *T): 0.9, ("11", "omraade", "botilbud"): 0.4}, 5) == {}


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
    out = {(r["kommunekode"], r["breakdown_value"]): r for r in suppress(rows, 5)}
    assert out["101", "plejefamilie"]["undertrykt"] == "<5"
    assert out["101", "plejefamilie"]["value"] is None
    assert out["101", "opholdssted"]["undertrykt"] == COMPLEMENTARY
    assert out["101", "opholdssted"]["numerator"] is None
    assert out["101", "total"]["value"] == 12.0
    assert all(out["751", v]["undertrykt"] is None for v in ("total", "plejefamilie"))


def test_a_varedeklaration_without_a_field_is_a_project_error(tmp_path):
    import pytest

    from runner.errors import ProjectError
    from runner.project import load_project
    from runner.varedeklaration import entries
    from tests.tiny_project import write_project

    declared = {"indikator": "01", "navn": "Timer", "enhed": "timer"}
    root = write_project(
        tmp_path,
        {"marts/ind_01": "select 1 as x"},
        yml={"marts": [{"name": "ind_01", "meta": {"varedeklaration": declared}}]},
    )
    with pytest.raises(ProjectError, match="ind_01: varedeklaration lacks emne, formaal"):
        entries(load_project(root))
