"""`lis report`: one self-contained HTML report per audience (politikere, direktion, ledere) and the
varedeklaration, from the published warehouse read-only, written to a new folder and swapped in.

The figures pass through discretion first: nothing below the threshold of persons reaches a page.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import jinja2

from . import discretion
from .errors import InputError
from .report_charts import line_chart
from .report_text import (
    MONTHS,
    UNIT_WORDS,
    arrow,
    benchmark_sentence,
    change,
    formatted,
    long_date,
    same_time_last_year,
    sentence,
)

AUDIENCES = {
    "politikere": "Politikere (udvalget)",
    "direktion": "Direktion og chefer",
    "ledere": "Områdeleder og teamledere",
}
# KL's råd 9: a few figures politicians can act on; 05 with its parts, budget, prices, placements.
HEADLINE = ("05", "02", "03", "04", "11", "12", "13", "14", "A1")
CASEWORKERS = "sagsbehandler"
# Breakdowns for the leaders alone: each caseworker's figures, and 08's team means (marts' rows).
FOR_LEADERS = {CASEWORKERS, "paragraf:sagsbehandler", "team"}
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Figure:
    """One indicator's total for a municipality, with its series and breakdown rows."""

    indicator: str
    declaration: dict
    now: float | None
    hidden: str | None
    before: float | None
    before_hidden: str | None
    delta: object
    arrow: str
    sentence: str
    benchmark: str | None
    chart: str
    months: list = field(default_factory=list)
    breakdowns: list = field(default_factory=list)


def write_reports(warehouse: Path, out_dir: Path, threshold: float) -> list[Path]:
    """Write the report set to a new folder beside out_dir and swap it in; return the files."""
    if not warehouse.is_file():
        raise InputError(f"{warehouse}: no published warehouse (run lis build first)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        data = _read(con, threshold)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    new = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir()
    try:
        names = _render(data, new)
        _swap_in(new, out_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return [out_dir / name for name in names]


def _swap_in(new: Path, out_dir: Path) -> None:
    """The old set moves aside and the new one takes its name: a reader sees one whole set."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.rename(out_dir, old)
    os.rename(new, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _read(con, threshold: float) -> dict:
    tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "varedeklaration" not in tables:
        raise InputError("the warehouse has no marts.varedeklaration: rebuild it with lis build")
    cursor = con.execute("select * from marts.indicator_values")
    names = [c[0] for c in cursor.description]
    rows = discretion.suppress(
        [dict(zip(names, row, strict=True)) for row in cursor.fetchall()], threshold
    )
    if not rows:
        raise InputError("marts.indicator_values is empty: nothing to report")
    cursor = con.execute("select * from marts.varedeklaration order by indicator")
    names = [c[0] for c in cursor.description]
    declarations = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {
        "rows": rows,
        "declarations": declarations,
        "run": _run_declaration(con),
        "threshold": threshold,
    }


def _run_declaration(con) -> dict:
    """The run's own declaration, from the audit tables: when, how much was read, what was
    quarantined and every warning."""
    run = con.execute(
        "select run_id, started_at, status_date, git_revision from audit.runs "
        "where status = 'success' order by started_at desc limit 1"
    ).fetchone()
    run_id = run[0] if run else None
    return {
        "started_at": run[1].strftime("%d.%m.%Y kl. %H:%M") if run else "ukendt",
        "revision": run[3] if run else None,
        "extracts": con.execute(
            "select extract, rows_in_files, rows_staging, rows_quarantine "
            "from audit.reconciliation order by extract"
        ).fetchall(),
        "quarantine": con.execute(
            "select extract, reason, count(*) from audit.quarantine group by all order by all"
        ).fetchall(),
        "warnings": [
            message
            for (message,) in con.execute(
                "select message from audit.expectation_results where run_id = ? "
                "and not success order by model, expectation",
                [run_id],
            ).fetchall()
        ],
    }


def _render(data: dict, folder: Path) -> list[str]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = formatted
    rows = data["rows"]
    status_date = max(r["status_date"] for r in rows)
    kommuner = sorted({r["kommunekode"] for r in rows})
    data["dates"] = sorted({r["status_date"] for r in rows})
    data["by_key"] = {
        (
            r["kommunekode"],
            r["indicator"],
            r["breakdown"],
            r["breakdown_value"],
            r["status_date"],
        ): r
        for r in rows
    }
    data["tables"] = {}
    for r in rows:
        data["tables"].setdefault((r["kommunekode"], r["indicator"], r["status_date"]), []).append(
            r
        )
    data["kommuner"] = kommuner
    common = {
        "status_date": long_date(status_date),
        "run": data["run"],
        "declarations": data["declarations"],
        "hidden_label": discretion.label(data["threshold"]),
        "complementary": discretion.COMPLEMENTARY,
        "kommuner": kommuner,
        "unit_words": UNIT_WORDS,
    }
    written = []
    pages = []
    for kommune in kommuner:
        for audience, title in AUDIENCES.items():
            name = f"{audience}.html" if len(kommuner) == 1 else f"{audience}_{kommune}.html"
            figures = _figures(data, kommune, status_date, audience)
            html = env.get_template("report.html").render(
                **common, kommune=kommune, audience=audience, title=title, figures=figures
            )
            (folder / name).write_text(html, encoding="utf-8")
            written.append(name)
            pages.append((kommune, title, name))
    for name, extra in (("varedeklaration.html", {}), ("index.html", {"pages": pages})):
        html = env.get_template(name).render(**common, **extra)
        (folder / name).write_text(html, encoding="utf-8")
        written.append(name)
    return written


def _figures(data: dict, kommune: str, status_date: date, audience: str) -> list[Figure]:
    by_key, dates = data["by_key"], data["dates"]
    before_date = same_time_last_year(status_date, set(dates))
    wanted = (
        HEADLINE
        if audience == "politikere"
        else tuple(d["indicator"] for d in data["declarations"])
    )
    declarations = {d["indicator"]: d for d in data["declarations"]}
    figures = []
    for indicator in wanted:
        declaration = declarations[indicator]
        unit = declaration["enhed"]

        def total_at(day, where=kommune, indicator=indicator):
            return by_key.get((where, indicator, "total", "total", day), {})

        total, before = total_at(status_date), total_at(before_date)
        if not total:
            continue  # 06 in a year without refusion thresholds: the run's warnings say so
        # One point a month: the month end, or the status date in its own month.
        series = {status_date.year: {}, status_date.year - 1: {}}
        for day in dates:
            if day <= status_date and day.year in series:
                series[day.year][day.month] = total_at(day)
        this_year, last_year = series[status_date.year], series[status_date.year - 1]
        others = [
            total_at(status_date, other).get("value")
            for other in data["kommuner"]
            if other != kommune and total_at(status_date, other).get("value") is not None
        ]
        delta = change(total["value"], before.get("value"), unit)
        breakdowns = [
            _row(
                b,
                by_key.get(
                    (kommune, indicator, b["breakdown"], b["breakdown_value"], before_date), {}
                ),
            )  # fmt: skip
            for b in data["tables"].get((kommune, indicator, status_date), [])
            if b["breakdown"] != "total"
            and (b["breakdown"] not in FOR_LEADERS or audience == "ledere")
            and (audience != "politikere" or indicator == "11")
        ]
        figures.append(
            Figure(
                indicator=indicator,
                declaration=declaration,
                now=total["value"],
                hidden=total["undertrykt"],
                before=before.get("value"),
                before_hidden=before.get("undertrykt"),
                delta=delta,
                arrow=arrow(delta),
                sentence=sentence(declaration["emne"], total["value"], before.get("value"), unit),
                benchmark=benchmark_sentence(total["value"], others, unit),
                chart=line_chart(
                    f"{declaration['navn']}: {status_date.year} mod {status_date.year - 1}",
                    unit,
                    {m: row.get("value") for m, row in this_year.items()},
                    {m: row.get("value") for m, row in last_year.items()},
                    (status_date.year, status_date.year - 1),
                ),
                months=[
                    (MONTHS[m - 1], this_year.get(m), last_year.get(m, {})) for m in range(1, 13)
                ],
                breakdowns=sorted(breakdowns, key=lambda b: (b[0] == CASEWORKERS, b[0], b[1])),
            )
        )
    return figures


def _row(now: dict, before: dict) -> tuple:
    """A breakdown row of a table: its name and value, now and the same time last year."""
    return (
        now["breakdown"],
        now["breakdown_value"],
        now["value"],
        now["undertrykt"],
        before.get("value"),
        before.get("undertrykt"),
    )
