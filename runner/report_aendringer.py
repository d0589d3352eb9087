"""The reports' "why did it change?" (marts.aendringer): per municipality, for disposed expenses
in total and per area, a waterfall from last month's figure to today's (inline SVG from
matplotlib's SVG backend, with its table) and a Danish sentence; the politicians get the total's
sentence. Rendered by templates/_aendringer.html.

Discretion is the warehouse's one pattern (runner/discretion.py, proved by the disclosure audit):
the marts' YAML says a cause of few grants is hidden, that forrige and the causes add up to nu,
a cause over the areas to the total's, and that nu is 11's figure of the area; so the page shows
what a discreet export shows. Where nu or forrige is hidden (11's area of few persons), the area
gets its table of marks and a sentence without the amount, and no waterfall.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal

from .discretion_policy import Cell as PatternCell
from .report_labels import Labels
from .report_text import Unit, formatted, number, rounded

LOCALE = "da_DK"
KR = Unit("kr", 0, "kr.")
MART = "aendringer"  # the mart's name in its meta.discretion
CAUSES = ("ny", "bortfaldet", "periode", "pris", "omklassificeret")
MINUS = "\u2212"


@dataclass
class Cell:
    beloeb: float
    bevillinger: int
    hidden: str | None = None


def read(con, marks: dict) -> dict:
    """kommune -> {status dates, cells by (omraade, aarsag)}, each with its mark of the pattern
    (`marks`: (kommune, Cell) -> mark); plus why there is no comparison, when there is none.
    Nothing when the warehouse predates marts.aendringer."""
    tables = set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
    if ("marts", "aendringer") not in tables:
        return {"kommuner": {}, "begrundelse": None}
    found: dict = {}
    for k, s0, s1, omraade, aarsag, beloeb, bevillinger in con.execute(
        "select kommunekode, forrige_status_date, status_date, omraade, aarsag, beloeb, "
        "bevillinger from marts.aendringer"
    ).fetchall():
        entry = found.setdefault(k, {"s0": s0, "s1": s1, "cells": {}})
        mark = marks.get((k, PatternCell(MART, s1, str(omraade), str(aarsag))))
        entry["cells"][(omraade, aarsag)] = Cell(beloeb, bevillinger, mark)
    begrundelse = None
    if ("intermediate", "int_aendringer_kilde") in tables:
        row = con.execute(
            "select begrundelse from intermediate.int_aendringer_kilde "
            "where grundlag_status_date is null"
        ).fetchone()
        begrundelse = row[0] if row else None
    areas = ["total"]
    if ("seeds", "budgetomraader") in tables:
        areas += [o for (o,) in con.execute("select omraade from seeds.budgetomraader").fetchall()]
    return {"kommuner": found, "begrundelse": begrundelse, "areas": areas}


def page(data: dict, kommune: str, audience: str, labels: Labels) -> dict | None:
    """What templates/_aendringer.html shows for one page: None for nothing. Every word from the
    seeds (budgetomraader's names; etiketter's aendring and aendring_kort for the causes)."""
    entry = data["kommuner"].get(kommune)
    if entry is None:
        if data["begrundelse"] and audience != "politikere":
            return {"begrundelse": data["begrundelse"], "omraader": []}
        return None
    areas = ["total"] if audience == "politikere" else data["areas"]
    shown = []
    for omraade in areas:
        cells = {a: c for (o, a), c in entry["cells"].items() if o == omraade}
        if not cells:
            continue
        shown.append(
            {
                "omraade": omraade,
                "navn": _area(labels, omraade),
                "saetning": sentence(omraade, entry["s0"], cells, labels),
                "chart": None
                if audience == "politikere" or not _moved(cells) or _ends_hidden(cells)
                else waterfall(omraade, cells, labels),
                "raekker": [
                    (
                        label[0].upper() + label[1:],
                        # a minus sign, as the sentence and the axis write it
                        formatted(cells[a].beloeb, KR, cells[a].hidden, True).replace("-", "−"),
                        cells[a].hidden or number(cells[a].bevillinger),
                    )
                    for a, label in (
                        ("forrige", f"disponeret {long_date(entry['s0'])}"),
                        *((a, labels.word("aendring", a)) for a in CAUSES),
                        ("nu", f"disponeret {long_date(entry['s1'])}"),
                    )
                    if a in cells
                ],
            }
        )
    return {
        "siden": long_date(entry["s0"]),
        "nu": long_date(entry["s1"]),
        "omraader": shown,
        "deklaration": _declaration(),
        "begrundelse": None,
    }


def long_date(day: date) -> str:
    return format_date(day, "d. MMMM yyyy", locale=LOCALE)


def kroner(value: float, sign: bool = False) -> str:
    """Millions with one decimal from a million, else whole thousands: '2,1 mio. kr.'."""
    size = abs(value)
    if rounded(size / 1_000_000, 1) >= 1:
        text = format_decimal(rounded(size / 1_000_000, 1), "#,##0.0", locale=LOCALE) + " mio. kr."
    else:
        text = format_decimal(rounded(size / 1000) * 1000, "#,##0", locale=LOCALE) + " kr."
    if text.startswith("0 "):
        return text
    prefix = (MINUS if value < 0 else "+") if sign else (MINUS if value < 0 else "")
    return prefix + text


def _area(labels: Labels, omraade: str) -> str:
    """An area's name inside a sentence: 'hjælperordninger', 'i alt'."""
    return labels.word("omraade", omraade).lower()


def sentence(omraade: str, s0: date, cells: dict, labels: Labels) -> str:
    """'Siden 30. november er de disponerede udgifter til botilbud steget 2,1 mio. kr.: nye
    bevillinger +3,4 mio. kr., ophørte −0,9 mio. kr.' Causes of few grants are left out."""
    subject = "de disponerede udgifter" + (
        "" if omraade == "total" else f" til {_area(labels, omraade)}"
    )
    day = format_date(s0, "d. MMMM", locale=LOCALE)
    if _ends_hidden(cells):
        return f"Ændringen i {subject} siden {day} vises ikke, fordi den gælder for få personer."
    since = f"Siden {day} er {subject}"
    move = cells["nu"].beloeb - cells["forrige"].beloeb
    if kroner(move).startswith("0 "):
        text = f"{since} stort set uændrede"
    else:
        text = f"{since} {'steget' if move > 0 else 'faldet'} {kroner(abs(move))}"
    parts = [
        f"{labels.word('aendring', a)} {kroner(cells[a].beloeb, sign=True)}"
        for a in CAUSES
        if a in cells
        and not cells[a].hidden
        and cells[a].bevillinger > 0
        and not kroner(cells[a].beloeb).startswith("0 ")
    ]
    text += ": " + ", ".join(parts) if parts else ""
    return text if text.endswith(".") else text + "."


def waterfall(omraade: str, cells: dict, labels: Labels) -> str:
    """forrige, each cause (hidden causes as one grey step) and nu, as inline SVG."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    steps = [("Forrige", 0.0, cells["forrige"].beloeb, "#8c8c8c")]
    running = cells["forrige"].beloeb
    hidden = 0.0
    for a in CAUSES:
        if a not in cells:
            continue
        if cells[a].hidden:
            hidden += cells[a].beloeb
            continue
        steps.append(
            (labels.word("aendring_kort", a), running, cells[a].beloeb, _colour(cells[a].beloeb))
        )
        running += cells[a].beloeb
    if any(cells[a].hidden for a in CAUSES if a in cells):
        steps.append(("skjult", running, hidden, "#d9d9d9"))
    steps.append(("Nu", 0.0, cells["nu"].beloeb, "#1f4e79"))
    with rc_context({"svg.hashsalt": "lis", "svg.fonttype": "none", "font.size": 8}):
        figure = Figure(figsize=(6.4, 2.4))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        positions = range(len(steps))
        axes.bar(
            positions,
            [height for _, _, height, _ in steps],
            bottom=[bottom for _, bottom, _, _ in steps],
            color=[colour for *_, colour in steps],
            width=0.6,
        )
        axes.set_xticks(list(positions), [name for name, *_ in steps], rotation=0, fontsize=7)
        axes.set_ylim(*_limits(steps))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        ticks = axes.get_yticks()
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1e6
        axes.yaxis.set_major_formatter(lambda y, _: _tick(y, step))
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    title = f"Ændringer i de disponerede udgifter, {_area(labels, omraade)}"
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{title}" ', svg, count=1)


def _ends_hidden(cells: dict) -> bool:
    """Whether the pattern hides the area's figure of last month or of now."""
    return any(cells[a].hidden for a in ("forrige", "nu") if a in cells)


def _moved(cells: dict) -> bool:
    """Whether any cause moved the figure (or is hidden): else there is nothing to draw."""
    return any(cells[a].hidden or cells[a].beloeb for a in CAUSES if a in cells)


def _limits(steps: list) -> tuple[float, float]:
    """The value axis around the steps' levels: a change of thousands on a billion would be
    invisible on an axis from 0 (the caption says where the axis starts)."""
    levels = [bottom + height for _, bottom, height, _ in steps]
    levels += [bottom for _, bottom, _, _ in steps if bottom]
    low, high = min(levels), max(levels)
    span = max(high - low, abs(high) * 0.001, 1.0)
    return max(0.0, low - span), high + span * 0.25


def _tick(value: float, step: float) -> str:
    """An axis tick in mio. kr. with as many decimals as the ticks' step needs (1-2-5 steps)."""
    decimals = max(0, -math.floor(math.log10(step / 1e6))) if step < 1e6 else 0
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    text = format_decimal(round(value / 1e6, decimals), pattern, locale=LOCALE)
    return f"{text} mio. kr."


def _colour(value: float) -> str:
    return "#b03a2e" if value > 0 else "#2e7d32"


def _declaration() -> dict | None:
    """The mart's Danish declaration (meta: deklaration: in models/marts/_aendringer.yml)."""
    path = Path(__file__).resolve().parents[1] / "models" / "marts" / "_aendringer.yml"
    if not path.is_file():
        return None
    models = yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []
    return next(
        ((m.get("meta") or {}).get("deklaration") for m in models if m["name"] == "aendringer"),
        None,
    )
