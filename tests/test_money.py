"""som_kroner, the one conversion of exact money to DOUBLE, against Python's exact fractions: the
amount udgift_7n / (7 x N) rounded half up to 18 decimals, then the nearest DOUBLE. Its BIGINT
route (whole part >= 0 and within a BIGINT) and its HUGEINT route (the rest) give the same bits."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from runner.compile import Compiler
from runner.project import load_project

ROOT = Path(__file__).resolve().parent.parent
E12 = Decimal("0.000000000001")


@pytest.fixture(scope="module")
def convert():
    compiler = Compiler(load_project(ROOT), {"as_of": "2022-11-23"})
    sql, _ = compiler.render(
        "select {{ som_kroner('u', 's') }}, {{ som_kroner_hugeint('u', 's') }}"
        " from (select cast(? as decimal(38, 12)) as u, cast(? as date) as s)",
        "test",
    )
    with duckdb.connect() as con:
        yield lambda u, s: con.execute(sql, [str(u), s]).fetchone()


def exact(u: Decimal, s: date) -> float:
    """The nearest DOUBLE to u / 7N rounded half up to 18 decimals (float(Fraction) is correctly
    rounded)."""
    seven_n = 7 * (date(s.year + 1, 1, 1) - date(s.year, 1, 1)).days
    scaled = Fraction(u) * 10**18 / seven_n
    return float(Fraction((scaled + Fraction(1, 2)).__floor__(), 10**18))


def amounts() -> list[Decimal]:
    rng = random.Random(22)
    seven_n = [7 * 365, 7 * 366]
    fixed = [Decimal(0), E12, Decimal("0.3") * 2555, Decimal(2**63 - 1), Decimal(2**63)]
    # whole kroner, and a unit of 10^-12 either side of them
    ties = [Decimal(k) * n + d * E12 for n in seven_n for k in (1, 123456789) for d in (-1, 0, 1)]
    drawn = [
        Decimal(rng.randrange(10**digits)) * E12
        for digits in (6, 12, 18, 24, 30, 33)
        for _ in range(200)
    ]
    return fixed + ties + drawn + [Decimal(2**63) - E12, Decimal(2**63) + E12]


@pytest.mark.parametrize("s", [date(2022, 11, 23), date(2020, 2, 29)])
def test_som_kroner_is_the_nearest_double_to_the_amount_rounded_to_18_decimals(convert, s):
    for u in amounts():
        both, hugeint = convert(u, s)
        assert both == exact(u, s), u
        assert both == hugeint, u


def test_a_negative_change_takes_the_hugeint_route_and_gives_its_bits(convert):
    # aendringer's causes can be negative: the BIGINT route leaves them to the HUGEINT route.
    rng = random.Random(24)
    for u in [Decimal(-1) * E12, Decimal(-2555)] + [
        -Decimal(rng.randrange(10**24)) * E12 for _ in range(200)
    ]:
        both, hugeint = convert(u, date(2022, 11, 23))
        assert both == hugeint, u
        assert both == pytest.approx(exact(u, date(2022, 11, 23)), rel=1e-15, abs=1e-17), u
