"""The reports' words and numbers: Danish number format and the template sentences. Pure functions,
deterministic: the same figures give the same text."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # 4 % and 1.234 kr. stay on one line
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def rounded(value: float, decimals: int = 0) -> Decimal:
    """Half away from zero, as people round (2,5 → 3), not banker's rounding."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0) -> str:
    """Danish format: 1.234,5 (a point between thousands, a comma before decimals)."""
    text = f"{rounded(value, decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".").replace("-", "−")


def formatted(value: float | None, unit: str, hidden: str | None = None, bare: bool = False) -> str:
    """A value in its unit: antal (one decimal unless whole), kr, andel (percent), timer, dage.
    Bare: without the unit's word (a table whose header names it)."""
    if hidden:
        return hidden
    if value is None:
        return "–"
    if unit == "kr":
        return number(value) + ("" if bare else f"{NBSP}kr.")
    if unit == "andel":
        return number(value * 100, 1) + ("" if bare else f"{NBSP}%")
    if unit == "timer":
        return number(value, 1) + ("" if bare else f"{NBSP}timer")
    if unit == "dage":
        return number(value) + ("" if bare else f"{NBSP}dage")
    return number(value, 0 if float(value).is_integer() else 1)


UNIT_WORDS = {"kr": "kr.", "andel": "%", "timer": "timer", "antal": "antal", "dage": "dage"}


def long_date(day: date) -> str:
    return f"{day.day}. {MONTH_NAMES[day.month - 1]} {day.year}"


def same_time_last_year(status_date: date, available: set[date]) -> date:
    """The status date a year earlier where the warehouse has it, else that month's last day
    (the build computes every month end of the previous year)."""
    day = min(status_date.day, calendar.monthrange(status_date.year - 1, status_date.month)[1])
    exact = date(status_date.year - 1, status_date.month, day)
    if exact in available:
        return exact
    last = calendar.monthrange(exact.year, exact.month)[1]
    return date(exact.year, exact.month, last)


def change(now: float | None, before: float | None, unit: str) -> Decimal | None:
    """The change against the same time last year: whole percent, or for a share (andel) percentage
    points with one decimal. None where it cannot be computed."""
    if now is None or before is None:
        return None
    if unit == "andel":
        return rounded((now - before) * 100, 1)
    if before == 0:
        return None
    return rounded((now - before) / before * 100)


def arrow(delta: Decimal | None) -> str:
    if delta is None:
        return "–"
    return "▲" if delta > 0 else "▼" if delta < 0 else "▶"


def sentence(subject: str, now: float | None, before: float | None, unit: str) -> str:
    """What is central in a figure: "Antallet af helårsmodtagere i botilbud er 4 % højere end samme
    tid sidste år"."""
    delta = change(now, before, unit)
    if delta is None:
        return f"{subject} kan ikke sammenlignes med samme tid sidste år."
    if delta == 0:
        return f"{subject} er på niveau med samme tid sidste år."
    size = (
        f"{number(abs(delta), 1)}{NBSP}procentpoint"
        if unit == "andel"
        else f"{number(abs(delta))}{NBSP}%"
    )
    return f"{subject} er {size} {'højere' if delta > 0 else 'lavere'} end samme tid sidste år."


def benchmark_sentence(value: float | None, others: list[float], unit: str) -> str | None:
    """The municipality among the others: their median and range, and where it lies."""
    if value is None or not others:
        return None
    ordered = sorted(others)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    where = (
        "over"
        if formatted(value, unit) != formatted(median, unit) and value > median
        else "under"
        if formatted(value, unit) != formatted(median, unit)
        else "på"
    )
    kommuner = "kommune" if len(ordered) == 1 else "kommuner"
    return (
        f"Kommunens {formatted(value, unit)} ligger {where} medianen for de øvrige "
        f"{len(ordered)} {kommuner}, {formatted(median, unit)} "
        f"(fra {formatted(ordered[0], unit)} til {formatted(ordered[-1], unit)})."
    )
