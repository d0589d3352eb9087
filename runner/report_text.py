"""The reports' words and numbers: Danish numbers, dates and times through Babel (locale da_DK),
one rule for the decimals of each figure (seed visning), and the template sentences. Pure
functions, deterministic: the same figures give the same text."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

LOCALE = "da_DK"
ZONE = "Europe/Copenhagen"  # the reader's clock: a run time is shown in it, with its name
NBSP = "\u00a0"  # 4 % and 1.234 kr. stay on one line


@dataclass(frozen=True)
class Unit:
    """How one figure is shown (a row of seed visning): enhed (antal, kr, andel, timer, dage),
    its decimals and the words after the number."""

    enhed: str = "antal"
    decimaler: int = 0
    tekst: str = ""


def rounded(value: float, decimals: int = 0) -> Decimal:
    """Half away from zero, as people round (2,5 → 3), not banker's rounding."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0) -> str:
    """Danish format with exactly `decimals` decimals: 1.234,5; a negative number with the minus
    sign (−), as printed Danish has it, not Babel's hyphen."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded(value, decimals), format=pattern, locale=LOCALE).replace("-", "−")


def formatted(
    value: float | None, unit: Unit, hidden: str | None = None, bare: bool = False
) -> str:
    """A value in its unit: kroner whole with kr., a share in percent with one decimal, a count of
    helårsmodtagere with one decimal, persons whole. Bare: without the unit's sign (a table whose
    header names it)."""
    if hidden:
        return hidden
    if value is None:
        return "–"
    if unit.enhed == "andel":
        return number(value * 100, unit.decimaler) + ("" if bare else f"{NBSP}%")
    text = number(value, unit.decimaler)
    if unit.enhed == "kr" and not bare:
        return f"{text}{NBSP}kr."
    return text


def with_words(value: float | None, unit: Unit, hidden: str | None = None) -> str:
    """The number with the words after it: 492,8 helårsmodtagere, 1.056.228 kr. pr. bruger."""
    text = formatted(value, unit, hidden, bare=True)
    if value is None or hidden:
        return text
    if unit.enhed == "andel":
        return f"{text}{NBSP}{unit.tekst}" if unit.tekst.startswith("%") else f"{text}{NBSP}%"
    return f"{text}{NBSP}{unit.tekst}" if unit.tekst else text


def long_date(day: date) -> str:
    """Every date the reports write: 2. december 2026."""
    return format_date(day, format="d. MMMM y", locale=LOCALE)


def month_name(day: date) -> str:
    return format_date(day, format="MMMM", locale=LOCALE)


def short_month(month: int) -> str:
    """jan., feb. … as an axis or a table header writes a month."""
    return format_date(date(2000, month, 1), format="MMM", locale=LOCALE)


def run_time(when: datetime) -> str:
    """A run's time in the reader's zone with the zone named: 3. december 2026 kl. 09:30 CET. A
    time without a zone is UTC (the run record's clock)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_datetime(when, format="d. MMMM y 'kl.' HH:mm zzzz", tzinfo=ZONE, locale=LOCALE)


def same_time_last_year(status_date: date, available: set[date]) -> date:
    """The status date a year earlier where the warehouse has it, else that month's last day
    (the build computes every month end of the previous year)."""
    day = min(status_date.day, calendar.monthrange(status_date.year - 1, status_date.month)[1])
    exact = date(status_date.year - 1, status_date.month, day)
    if exact in available:
        return exact
    last = calendar.monthrange(exact.year, exact.month)[1]
    return date(exact.year, exact.month, last)


def change(now: float | None, before: float | None, unit: Unit) -> Decimal | None:
    """The change against the same time last year: whole percent, or for a share (andel) percentage
    points with one decimal. None where it cannot be computed."""
    if now is None or before is None:
        return None
    if unit.enhed == "andel":
        return rounded((now - before) * 100, 1)
    if before == 0:
        return None
    return rounded((now - before) / before * 100)


def change_text(delta: Decimal | None, unit: Unit) -> str:
    """+15 % or −5,0 procentpoint; – where there is nothing to compare."""
    if delta is None:
        return "–"
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    if unit.enhed == "andel":
        return f"{sign}{number(abs(delta), 1)}{NBSP}procentpoint"
    return f"{sign}{number(abs(delta))}{NBSP}%"


def arrow(delta: Decimal | None) -> str:
    if delta is None:
        return "–"
    return "▲" if delta > 0 else "▼" if delta < 0 else "▶"


def sentence(subject: str, now: float | None, before: float | None, unit: Unit) -> str:
    """What is central in a figure: "Antallet af helårsmodtagere i botilbud er 4 % højere end samme
    tid sidste år"."""
    delta = change(now, before, unit)
    if delta is None:
        return f"{subject} kan ikke sammenlignes med samme tid sidste år."
    if delta == 0:
        return f"{subject} er på niveau med samme tid sidste år."
    size = (
        f"{number(abs(delta), 1)}{NBSP}procentpoint"
        if unit.enhed == "andel"
        else f"{number(abs(delta))}{NBSP}%"
    )
    return f"{subject} er {size} {'højere' if delta > 0 else 'lavere'} end samme tid sidste år."


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def benchmark_sentence(
    value: float | None, others: list[float], unit: Unit, what: str, group: str | None
) -> str | None:
    """The municipality among the others on a comparable figure (a ratio, or per capita): their
    median and range, and where it lies. `what` names the figure (Pr. 1.000 indbyggere 18–64 år);
    `group` is the comparison group, None for every other municipality in the warehouse."""
    if value is None or not others:
        return None
    middle = median(others)
    shown, shown_median = formatted(value, unit), formatted(middle, unit)
    where = "på" if shown == shown_median else "over" if value > middle else "under"
    place = f"i sammenligningsgruppen {group}" if group else "i opgørelsen"
    if len(others) == 1:
        where = "på niveau med" if where == "på" else where
        return f"{what}: {shown} ligger {where} den anden kommune {place}, {shown_median}."
    return (
        f"{what}: {shown} ligger {where} medianen for de øvrige {len(others)} kommuner {place}, "
        f"{shown_median} (fra {formatted(min(others), unit)} til {formatted(max(others), unit)})."
    )
