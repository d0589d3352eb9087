"""Charts as inline SVG from matplotlib's SVG backend: this year's monthly series against last
year's, round ticks (1-2-5 steps) and one unit per axis. No script, nothing fetched; the SVG
carries its own text alternative (title and desc), and the page the same figures as a table."""

from __future__ import annotations

import io
import re
from html import escape

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .report_text import Unit, formatted, number, short_month

THIS_YEAR, LAST_YEAR = "#1f4e79", "#8c8c8c"
WIDTH, HEIGHT = 6.4, 2.3  # inches at 100 px: the page scales the SVG to its column
SVG_PARAMS = {
    "svg.fonttype": "none",  # text stays text: searchable, and the page's font
    "font.family": "DejaVu Sans",
    "font.size": 9,
}


def _scale(largest: float, unit: Unit) -> tuple[float, str]:
    """One unit per axis: kroner in millions when the axis reaches a million, shares in percent."""
    if unit.enhed == "andel":
        return 100, "%"
    if unit.enhed == "kr" and largest >= 1_000_000:
        return 1 / 1_000_000, "mio. kr."
    if unit.enhed == "kr":
        return 1, "kr."
    return 1, unit.tekst or unit.enhed


def line_chart(
    title: str, unit: Unit, this_year: dict, last_year: dict, years: tuple[int, int]
) -> str:
    """this_year and last_year map month (1-12) to a value (None where hidden or missing)."""
    salt = re.sub(r"\W", "", title)[:40]  # ids unique to the chart: several share a page
    with rc_context({**SVG_PARAMS, "svg.hashsalt": salt}):
        return _line_chart(title, unit, this_year, last_year, years)


def _line_chart(title, unit, this_year, last_year, years) -> str:
    values = [v for v in [*this_year.values(), *last_year.values()] if v is not None]
    factor, axis_unit = _scale(max(values, default=0), unit)
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=100)
    axes = figure.add_axes((0.11, 0.22, 0.87, 0.72))
    for series, colour, style, year in (
        (last_year, LAST_YEAR, "--", years[1]),
        (this_year, THIS_YEAR, "-", years[0]),
    ):
        months = list(range(1, 13))
        # A hidden month is a gap (NaN), not a drop to zero.
        points = [series[m] * factor if series.get(m) is not None else float("nan") for m in months]
        axes.plot(months, points, style, color=colour, linewidth=2, marker="o", markersize=3,
                  label=str(year))  # fmt: skip
    axes.set_xlim(0.5, 12.5)
    axes.set_xticks(range(1, 13), [short_month(m) for m in range(1, 13)])
    # Round ticks from 0 to the first step at or above the largest value.
    locator = MaxNLocator(nbins=5, steps=[1, 2, 5, 10], min_n_ticks=3)
    ticks = [t for t in locator.tick_values(0, max(values, default=1) * factor or 1) if t >= 0]
    axes.set_ylim(0, ticks[-1])
    axes.set_yticks(ticks)
    decimals = max(_decimals(t) for t in ticks)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, decimals)))
    axes.set_ylabel(axis_unit)
    axes.grid(axis="y", color="#d9d9d9", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors="#444444", length=3)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, -0.32), frameon=False, ncols=2, fontsize=8)
    desc = "; ".join(
        f"{short_month(m)}: {formatted(this_year.get(m), unit)} ({years[0]}), "
        f"{formatted(last_year.get(m), unit)} ({years[1]})"
        for m in range(1, 13)
        if m in this_year or m in last_year
    )
    return _svg(figure, title, desc)


def _decimals(tick: float) -> int:
    """The decimals a round tick needs (0,5 one, 250 none)."""
    text = f"{tick:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def _svg(figure: Figure, title: str, desc: str) -> str:
    """The figure as an inline SVG element: no XML prolog or fixed size (the page sizes it), its
    title and description first."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg[^>]*?(viewBox="[^"]*")[^>]*>', _open_tag, svg, count=1)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return svg.replace(
        ">", f"><title>{escape(title)}</title><desc>{escape(desc)}</desc>", 1
    ).strip()


def _open_tag(match: re.Match) -> str:
    return (
        f'<svg class="chart" {match.group(1)} role="img" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
    )
