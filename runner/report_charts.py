"""Charts as inline SVG: this year's monthly series against last year's. No script, nothing fetched;
the SVG carries its own text alternative (title and desc), and the page a table beside it."""

from __future__ import annotations

from html import escape

from .report_text import MONTHS, formatted, number

WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 78, 12, 14, 44
THIS_YEAR, LAST_YEAR = "#1f4e79", "#8c8c8c"


def _nice_top(largest: float) -> float:
    """The y axis' top: 1, 2, 2.5 or 5 times a power of ten, at or above the largest value."""
    if largest <= 0:
        return 1.0
    power = 10 ** (len(str(int(largest))) - 1) if largest >= 1 else 10**-1
    while power > largest:
        power /= 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= largest:
            return step * power
    return 10 * power


def line_chart(
    title: str, unit: str, this_year: dict, last_year: dict, years: tuple[int, int]
) -> str:
    """this_year and last_year map month (1-12) to a value (None where hidden or missing)."""
    values = [v for v in [*this_year.values(), *last_year.values()] if v is not None]
    scale = 100 if unit == "andel" else 1
    top = _nice_top(max(values, default=0) * scale) / scale
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return LEFT + (month - 0.5) * plot_w / 12

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    parts = []
    for i in range(5):
        level = top * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="#d9d9d9" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(_axis_label(level, unit))}</text>"
        )
    for month in range(1, 13):
        parts.append(
            f'<text x="{x(month):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'class="axis">{MONTHS[month - 1]}</text>'
        )
    for series, colour, dash in ((last_year, LAST_YEAR, "6 4"), (this_year, THIS_YEAR, "")):
        for segment in _segments(series):
            points = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in segment)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        for month, value in sorted(series.items()):
            if value is not None:
                parts.append(
                    f'<circle cx="{x(month):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"/>'
                )
    legend_y = HEIGHT - 8
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{THIS_YEAR}" stroke-width="2.5"/>'
        f'<text x="{LEFT + 34}" y="{legend_y}" class="legend">{years[0]}</text>'
        f'<line x1="{LEFT + 90}" x2="{LEFT + 118}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="{LAST_YEAR}" stroke-width="2.5" stroke-dasharray="6 4"/>'
        f'<text x="{LEFT + 124}" y="{legend_y}" class="legend">{years[1]}</text>'
    )
    desc = "; ".join(
        f"{MONTHS[m - 1]}: {formatted(this_year.get(m), unit)} ({years[0]}), "
        f"{formatted(last_year.get(m), unit)} ({years[1]})"
        for m in range(1, 13)
        if m in this_year or m in last_year
    )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(parts)}</svg>"
    )


def _axis_label(level: float, unit: str) -> str:
    if unit == "andel":
        return f"{number(level * 100)} %"
    if unit == "kr" and level >= 1_000_000:
        return f"{number(level / 1_000_000, 1)} mio."
    return number(level, 0 if level >= 10 or float(level).is_integer() else 1)


def _segments(series: dict) -> list[list[tuple[int, float]]]:
    """Unbroken runs of months with a value: a hidden month is a gap, not a drop to zero."""
    runs, run = [], []
    for month in range(1, 13):
        value = series.get(month)
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((month, value))
    if run:
        runs.append(run)
    return runs
