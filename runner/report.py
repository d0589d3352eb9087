"""`lis report`: one self-contained HTML report per audience (politikere, direktion, ledere) and a
page per caseworkers' team, and the varedeklaration, from the published warehouse read-only,
written to a new folder and swapped in.

The figures pass through discretion first: nothing below the threshold of persons reaches a page.
Every word a reader sees for a code comes from the seeds (runner/report_labels.py).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import duckdb
import jinja2

from . import discretion, owned, report_aendringer, report_run
from .errors import InputError
from .report_charts import line_chart
from .report_labels import Labels, read_labels
from .report_text import (
    Unit,
    arrow,
    benchmark_sentence,
    change,
    change_text,
    formatted,
    long_date,
    month_name,
    number,
    same_time_last_year,
    sentence,
    short_month,
    with_words,
)

AUDIENCES = ("politikere", "direktion", "ledere")  # their titles: seed etiketter, publikum
# KL's råd 9: a few figures politicians can act on; 05 with its parts, budget, prices, placements.
HEADLINE = ("05", "02", "03", "04", "11", "12", "13", "14", "A1")
# counts within the status date's month (indicators.md, F1 and F2): a month begun is not set
# beside a whole month a year before
MONTH_FLOWS = ("F1", "F2")
CASEWORKER_BREAKDOWNS = ("sagsbehandler", "paragraf:sagsbehandler", "team")
PER_CAPITA = ("pr_1000_18_64", "pr_indbygger")
BUDGET = "11"
LONGEST_ID = 40  # characters of an id shown; a longer one is cut visibly (…)
TEMPLATES = Path(__file__).parent / "templates"
COMMAND = "lis report"


@dataclass
class Figure:
    """One indicator's card for a municipality: its total now and a year before, its series and
    breakdown rows; or, where it could not be computed, the reason (`missing`)."""

    indicator: str
    declaration: dict
    unit: Unit
    missing: str | None = None
    words: str = ""  # the words after the figure (a share's % is in the figure itself)
    now: str = ""
    before: str = ""
    delta: str = "–"
    arrow: str = "–"
    sentence: str = ""
    per_capita: str | None = None
    benchmark: str | None = None
    chart: str = ""
    month_unit: Unit | None = None
    months: list = field(default_factory=list)
    breakdowns: list = field(default_factory=list)


def write_reports(
    warehouse: Path, out_dir: Path, threshold: float, policy: discretion.Policy | None = None
) -> list[Path]:
    """Write the report set to a new folder beside out_dir and swap it in; return the files.
    `policy`: the discretion declarations of the project that built the warehouse (default: the
    project found from the current folder)."""
    if not warehouse.is_file():
        raise InputError(f"{warehouse}: no published warehouse (run lis build first)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        data = _read(con, threshold, policy)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    owned.check_replaceable(out_dir, COMMAND)
    owned.remove_stale(out_dir.parent, [f".{out_dir.name}.new-*", f".{out_dir.name}.old-*"])
    with owned.new_folder(out_dir.parent, f".{out_dir.name}.new-") as new:
        names = _render(data, new)
        owned.write_list(new)
        _swap_in(new, out_dir)
    return [out_dir / name for name in names]


def _swap_in(new: Path, out_dir: Path) -> None:
    """The old set moves aside and the new one takes its name: a reader sees one whole set. Only
    a folder holding nothing but an earlier set is replaced (runner/owned.py)."""
    with owned.swapping(out_dir.parent):
        owned.check_replaceable(out_dir, COMMAND)
        with owned.set_aside(out_dir, f".{out_dir.name}.old-"):
            os.rename(new, out_dir)


def _read(con, threshold: float, policy: discretion.Policy | None) -> dict:
    tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    if "varedeklaration" not in tables:
        raise InputError("the warehouse has no marts.varedeklaration: rebuild it with lis build")
    rows, marks = discretion.discreet_pattern(con, threshold, policy)
    if not rows:
        raise InputError("marts.indicator_values is empty: nothing to report")
    cursor = con.execute("select * from marts.varedeklaration order by indicator")
    names = [c[0] for c in cursor.description]
    declarations = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {
        "rows": rows,
        "labels": read_labels(con),
        "declarations": declarations,
        "run": report_run.read(con),
        "threshold": threshold,
        "aendringer": report_aendringer.read(con, marks),
        "without_caseworker": _without_caseworker(con, tables),
        "refusion_years": {
            int(y) for (y,) in con.execute("select aar from seeds.refusionsgraenser").fetchall()
        }
        if "refusionsgraenser" in tables
        else set(),
    }


def _without_caseworker(con, tables: set) -> dict:
    """(kommunekode, status_date) -> persons with an active service and no caseworker: the
    intermediate layer's count of them (a number, nothing personal), as 08's warning counts it."""
    if "int_helaarsmodtagere" not in tables:
        return {}
    return {
        (k, d): n
        for k, d, n in con.execute(
            "select kommunekode, status_date, punkttaelling from intermediate.int_helaarsmodtagere "
            "where gruppe = 'alle' and opdeling = 'sagsbehandler' and opdeling_vaerdi = ''"
        ).fetchall()
    }


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = formatted
    env.filters["short_id"] = short_id
    env.filters["code_tokens"] = code_tokens
    return env


def short_id(text: object) -> str:
    """An id as a page shows it: cut visibly after LONGEST_ID characters, so a 5,000-character id
    cannot widen a page past A4."""
    text = str(text)
    return text if len(text) <= LONGEST_ID else text[: LONGEST_ID - 1] + "…"


IDENTIFIER = re.compile(r"\b(?:[A-Za-z0-9]+_[A-Za-z0-9_]+|[a-z]+\.[a-z_]+\.?[a-z_]*)\b")


def code_tokens(text: str):
    """The varedeklaration's technical fields: identifiers (timer_pr_uge, seeds/…) as code."""
    escaped = str(jinja2.utils.markupsafe.escape(text))
    return jinja2.utils.markupsafe.Markup(IDENTIFIER.sub(r"<code>\g<0></code>", escaped))


def _css_string(text: str) -> str:
    """Text inside a CSS string (the print header): quotes and backslashes escaped, no markup."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return jinja2.utils.markupsafe.Markup(f'"{escaped}"')


def _render(data: dict, folder: Path) -> list[str]:
    env = _environment()
    rows, labels = data["rows"], data["labels"]
    status_date = max(r["status_date"] for r in rows)
    kommuner = sorted({r["kommunekode"] for r in rows})
    data["dates"] = sorted({r["status_date"] for r in rows})
    data["by_key"] = {
        (r["kommunekode"], r["indicator"], r["breakdown"], r["breakdown_value"], r["status_date"]):
        r for r in rows
    }  # fmt: skip
    data["tables"] = {}
    for r in rows:
        key = (r["kommunekode"], r["indicator"], r["status_date"])
        data["tables"].setdefault(key, []).append(r)
    data["kommuner"] = kommuner
    before_date = same_time_last_year(status_date, set(data["dates"]))
    common = {
        "status_date": long_date(status_date),
        "before_date": long_date(before_date),
        "declarations": data["declarations"],
        "hidden_label": discretion.label(data["threshold"]),
        "threshold": f"{data['threshold']:g}",
        "complementary": discretion.COMPLEMENTARY,
        "labels": labels,
    }
    written, pages = [], []
    single = len(kommuner) == 1
    for kommune in kommuner:
        name_of = labels.kommune(kommune)
        teams = _teams(data, kommune, status_date)
        team_pages = {
            team["name"]: f"team_{_slug(team['name'])}.html"
            if single
            else f"team_{kommune}_{_slug(team['name'])}.html"
            for team in teams
        }
        for audience in AUDIENCES:
            title = labels.word("publikum", audience)
            name = f"{audience}.html" if single else f"{audience}_{kommune}.html"
            figures = _figures(data, kommune, status_date, before_date, audience)
            html = env.get_template("report.html").render(
                **common,
                kommune=kommune,
                kommune_navn=name_of,
                audience=audience,
                title=title,
                print_header=_css_string(
                    f"{name_of} · {title} · status pr. {long_date(status_date)}"
                ),
                figures=figures,
                run=report_run.view(data["run"], audience, data["threshold"], labels),
                aendringer=report_aendringer.page(data["aendringer"], kommune, audience, labels),
                tiles=sorted(
                    (f for f in figures if f.indicator in HEADLINE),
                    key=lambda f: HEADLINE.index(f.indicator),
                ),
                budget=_budget(data, kommune, status_date, labels),
                warnings=_warnings(data, kommune, status_date, audience, labels),
                teams=teams if audience == "ledere" else [],
                caseloads=_caseloads(data, kommune, status_date),
                team_pages=team_pages,
                without_caseworker=_without(data, kommune, status_date),
            )
            (folder / name).write_text(html, encoding="utf-8")
            written.append(name)
            pages.append((name_of, title, name))
        for team in teams:
            name = team_pages[team["name"]]
            title = team["label"]
            html = env.get_template("team.html").render(
                **common,
                kommune=kommune,
                kommune_navn=name_of,
                title=title,
                print_header=_css_string(
                    f"{name_of} · {title} · status pr. {long_date(status_date)}"
                ),
                team=team,
            )
            (folder / name).write_text(html, encoding="utf-8")
            written.append(name)
            pages.append((name_of, title, name))
    for name, extra in (("varedeklaration.html", {}), ("index.html", {"pages": pages})):
        header = f"Ledelsesinformation for handicapområdet · status pr. {long_date(status_date)}"
        html = env.get_template(name).render(**common, **extra, print_header=_css_string(header))
        (folder / name).write_text(html, encoding="utf-8")
        written.append(name)
    return written


def _slug(name: str) -> str:
    """A team's name as a file name: ASCII letters and digits (æ → ae), words joined by -."""
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "team"


def _without(data: dict, kommune: str, status_date: date) -> str | None:
    """Persons without a caseworker on the status date, as the reports may show it (<5)."""
    count = data["without_caseworker"].get((kommune, status_date))
    if not count:
        return None
    return discretion.label(data["threshold"]) if count < data["threshold"] else number(count)


def _warnings(data: dict, kommune: str, status_date: date, audience: str, labels: Labels) -> list:
    """The run's warnings as sentences for the reader of this municipality's page: its own figures
    only, below the threshold shown as <5; ids only in the leaders' page, their own municipality's
    grants. The technical messages stay in the log and audit."""
    sentences, explained = [], set()
    without = _without(data, kommune, status_date)
    if without:
        key = "uden_sagsbehandler_leder" if audience == "ledere" else "uden_sagsbehandler"
        sentences.append(labels.word("advarsel", key, antal=without))
    explained.add("marts.ind_08_sager_pr_sagsbehandler")
    if status_date.year not in data["refusion_years"] and data["refusion_years"]:
        sentences.append(labels.word("mangler", "06", aar=status_date.year))
    others = [
        m
        for model, m, _ in data["run"]["warnings"]
        if model not in explained and "refusionsgraenser" not in m
    ]
    if others:
        sentences.append(labels.word("advarsel", "oevrige", antal=len(others)))
    if audience == "ledere":
        sentences += report_run.grant_ids(data["run"], kommune, labels)
    return sentences


def _missing(data: dict, indicator: str, status_date: date, labels: Labels) -> str:
    """Why an indicator has no total row, and what to do about it."""
    if indicator == "06" and status_date.year not in data["refusion_years"]:
        return labels.word("mangler", "06", aar=status_date.year)
    if labels.has("mangler", indicator):
        return labels.word("mangler", indicator, aar=status_date.year)
    return labels.word("mangler", "standard")


def _figures(data, kommune, status_date, before_date, audience) -> list[Figure]:
    by_key, dates, labels = data["by_key"], data["dates"], data["labels"]
    wanted = (
        HEADLINE if audience == "politikere" else [d["indicator"] for d in data["declarations"]]
    )
    declarations = {d["indicator"]: d for d in data["declarations"]}
    group = labels.groups.get(kommune)
    peers = [
        k
        for k in data["kommuner"]
        if k != kommune and (group is None or labels.groups.get(k) == group)
    ]
    figures = []
    for indicator in wanted:
        if indicator not in declarations:
            continue
        declaration = declarations[indicator]
        unit = labels.unit(indicator, enhed=declaration["enhed"])

        def row(breakdown, value, day, where=kommune, indicator=indicator):
            return by_key.get((where, indicator, breakdown, value, day), {})

        total, before = row("total", "total", status_date), row("total", "total", before_date)
        month_begun = indicator in MONTH_FLOWS and not _month_end(status_date)
        if month_begun:
            before = {}
        if not total:
            figures.append(
                Figure(
                    indicator,
                    declaration,
                    unit,
                    missing=_missing(data, indicator, status_date, labels),
                )
            )
            continue
        this_year, last_year = {}, {}
        for day in dates:
            if day <= status_date and day.year == status_date.year:
                this_year[day.month] = row("total", "total", day)
            elif day.year == status_date.year - 1:
                last_year[day.month] = row("total", "total", day)
        delta = change(total["value"], before.get("value"), unit)
        # kroner in the month table in thousands: twelve columns of them fit an A4 page
        month_unit = Unit("kr", 0, "1.000 kr.") if unit.enhed == "kr" else unit
        capita = next(
            ((b, row(b, "total", status_date)) for b in PER_CAPITA if row(b, "total", status_date)),
            None,
        )
        per_capita = (
            with_words(
                capita[1]["value"], labels.unit(indicator, capita[0]), capita[1]["undertrykt"]
            )
            if capita
            else None
        )
        figures.append(
            Figure(
                indicator=indicator,
                declaration=declaration,
                unit=unit,
                words=unit.tekst.removeprefix("%").strip() if unit.enhed == "andel" else unit.tekst,
                now=formatted(total["value"], unit, total["undertrykt"]),
                before=formatted(before.get("value"), unit, before.get("undertrykt")),
                delta=change_text(delta, unit),
                arrow=arrow(delta),
                sentence=labels.word(
                    "forbehold",
                    "maaned_begyndt",
                    maaned=month_name(status_date),
                    dag=status_date.day,
                )
                if month_begun
                else sentence(declaration["emne"], total["value"], before.get("value"), unit),
                per_capita=per_capita,
                benchmark=_benchmark(
                    data, indicator, kommune, peers, group, status_date, total, capita
                ),
                chart=_chart(
                    f"{declaration['navn']}: {status_date.year} mod {status_date.year - 1}",
                    unit,
                    tuple((m, r.get("value")) for m, r in sorted(this_year.items())),
                    tuple((m, r.get("value")) for m, r in sorted(last_year.items())),
                    (status_date.year, status_date.year - 1),
                ),
                month_unit=month_unit,
                months=[
                    (
                        short_month(m),
                        _month(this_year.get(m), unit, month_unit) if m in this_year else "",
                        _month(last_year.get(m, {}), unit, month_unit),
                    )
                    for m in range(1, 13)
                ],
                breakdowns=_breakdowns(
                    data, kommune, indicator, status_date, before_date, audience
                ),
            )
        )
    return figures


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month


def _month(row: dict, unit: Unit, month_unit: Unit) -> str:
    value = row.get("value")
    if value is not None and month_unit is not unit:
        value = value / 1000
    return formatted(value, month_unit, row.get("undertrykt"), True)


def _benchmark(  # noqa: PLR0913 - the figure and the peers it is set beside
    data, indicator, kommune, peers, group, status_date, total, capita
) -> str | None:
    """The figure beside the other municipalities (the comparison group's, else all in the
    warehouse): a ratio as it is, a count only per capita, never as a raw count."""
    labels, by_key = data["labels"], data["by_key"]
    if capita:
        breakdown, own = capita
    elif total.get("denominator") is not None or labels.unit(indicator).enhed in (
        "kr",
        "andel",
        "timer",
        "dage",
    ):
        breakdown, own = "total", total
    else:
        return None
    others = [
        by_key.get((k, indicator, breakdown, "total", status_date), {}).get("value") for k in peers
    ]
    others = [v for v in others if v is not None]
    what = labels.breakdown(breakdown) if breakdown != "total" else "Kommunens tal"
    return benchmark_sentence(
        own.get("value"),
        others,
        labels.unit(indicator, "" if breakdown == "total" else breakdown),
        what,
        group,
    )


@lru_cache(maxsize=256)
def _chart(title: str, unit: Unit, this_year: tuple, last_year: tuple, years: tuple) -> str:
    """One chart per municipality and indicator, drawn once for all the audiences' pages."""
    return line_chart(title, unit, dict(this_year), dict(last_year), years)


def _breakdowns(data, kommune, indicator, status_date, before_date, audience) -> list[tuple]:
    """The breakdown rows of a card: label, value now and a year before, in Danish words. Caseworker
    rows are the leaders' (their own table), per-capita rows are on the card, 11's areas are in the
    budget table."""
    labels, by_key = data["labels"], data["by_key"]
    if audience == "politikere" or indicator == BUDGET:
        return []
    out = []
    for b in data["tables"].get((kommune, indicator, status_date), []):
        if b["breakdown"] in ("total", *CASEWORKER_BREAKDOWNS, *PER_CAPITA):
            continue
        before = by_key.get(
            (kommune, indicator, b["breakdown"], b["breakdown_value"], before_date), {}
        )
        unit = labels.unit(indicator, b["breakdown"])
        out.append(
            (
                (b["breakdown"], b["breakdown_value"]),
                labels.breakdown(b["breakdown"]),
                labels.value(b["breakdown"], b["breakdown_value"]),
                formatted(b["value"], unit, b["undertrykt"]),
                formatted(before.get("value"), unit, before.get("undertrykt")),
            )
        )
    return sorted(out)


def _budget(data: dict, kommune: str, status_date: date, labels: Labels) -> dict | None:
    """11 in kroner per area: budget, disposed, difference and share; an area above 100 % marked."""
    rows = [
        r
        for r in data["tables"].get((kommune, BUDGET, status_date), [])
        if r["breakdown"] in ("omraade", "total")
    ]
    if not rows:
        return None
    kr, share = Unit("kr", 0, "kr."), labels.unit(BUDGET)
    out = []
    for r in sorted(rows, key=lambda r: (r["breakdown"] == "total", r["breakdown_value"])):
        hidden = r["undertrykt"]
        disposed, budget = r["numerator"], r["denominator"]
        out.append(
            {
                "total": r["breakdown"] == "total",
                "label": "I alt"
                if r["breakdown"] == "total"
                else labels.value("omraade", r["breakdown_value"]),
                "budget": formatted(budget, kr, hidden, True),
                "disposed": formatted(disposed, kr, hidden, True),
                "difference": formatted(
                    None if budget is None or disposed is None else budget - disposed,
                    kr,
                    hidden,
                    True,
                ),
                "share": formatted(r["value"], share, hidden),
                "over": r["value"] is not None and r["value"] > 1,
            }
        )
    return {"rows": out}


def _teams(data: dict, kommune: str, status_date: date) -> list[dict]:
    """The caseworkers of the municipality grouped by team (int_sagsbehandlere), each with 08's
    caseload and 10's expense per person against the team's mean, and the persons behind each
    figure. The team's mean caseload is 08's team row (the marts'); its mean expense is over the
    persons of the caseworkers shown."""
    labels, table = data["labels"], data["tables"].get((kommune, "08", status_date), [])
    expenses = {
        r["breakdown_value"]: r
        for r in data["tables"].get((kommune, "10", status_date), [])
        if r["breakdown"] == "sagsbehandler"
    }
    team_rows = {r["breakdown_value"]: r for r in table if r["breakdown"] == "team"}
    by_paragraph = _by_paragraph(data, kommune, status_date)
    teams = {}
    for r in table:
        if r["breakdown"] != "sagsbehandler":
            continue
        code = r["breakdown_value"]
        teams.setdefault(labels.team_of(code), []).append((code, r, expenses.get(code, {})))
    kr, persons = Unit("kr", 0, "kr."), labels.unit("08", "sagsbehandler")
    out = []
    for team in sorted(teams, key=lambda t: (t == "ukendt", t)):
        members = teams[team]
        mean_row = team_rows.get(team, {})
        shown_expenses = [e for _, _, e in members if e and not e.get("undertrykt")]
        cost = sum(e["numerator"] or 0 for e in shown_expenses)
        users = sum(e["denominator"] or 0 for e in shown_expenses)
        mean_cost = cost / users if users else None
        largest_load = max([r["value"] or 0 for _, r, _ in members] + [mean_row.get("value") or 0])
        largest_cost = max([e.get("value") or 0 for _, _, e in members] + [mean_cost or 0])
        caseworkers = []
        for code, r, e in sorted(members, key=lambda m: (labels.caseworker(m[0]).lower(), m[0])):
            caseworkers.append(
                {
                    "name": labels.caseworkers.get(code, (None,))[0] or "Uden navn",
                    "id": code,
                    "load": formatted(r["value"], persons, r["undertrykt"]),
                    "load_bar": _bar(r["value"], largest_load),
                    "cost": formatted(e.get("value"), kr, e.get("undertrykt")) if e else "–",
                    "cost_bar": _bar(e.get("value"), largest_cost),
                    "users": formatted(e.get("denominator"), persons, e.get("undertrykt"))
                    if e
                    else "–",
                    "paragraphs": by_paragraph.get(code, []),
                }
            )
        out.append(
            {
                "name": team,
                "label": labels.word("team", team) if labels.has("team", team) else f"Team {team}",
                "caseworkers": caseworkers,
                "by_paragraph": any(c["paragraphs"] for c in caseworkers),
                "mean_load": formatted(
                    mean_row.get("value"), labels.unit("08"), mean_row.get("undertrykt")
                )
                if mean_row
                else None,
                "mean_load_at": _bar(mean_row.get("value"), largest_load),
                "mean_load_n": formatted(mean_row.get("denominator"), persons)
                if mean_row.get("denominator") is not None
                else None,
                "mean_cost": formatted(mean_cost, kr) if mean_cost is not None else None,
                "mean_cost_at": _bar(mean_cost, largest_cost),
                "mean_cost_n": formatted(users, persons) if users else None,
            }
        )
    return out


def _by_paragraph(data: dict, kommune: str, status_date: date) -> dict:
    """caseworker -> their rows by paragraph: 08's cases and 10's expense per person with the
    persons behind it (the marts' paragraf:sagsbehandler rows, value `107:S12`), as shown."""
    labels, rows = data["labels"], {}
    for indicator in ("08", "10"):
        for r in data["tables"].get((kommune, indicator, status_date), []):
            if r["breakdown"] == "paragraf:sagsbehandler":
                paragraf, _, caseworker = r["breakdown_value"].partition(":")
                rows.setdefault(caseworker, {}).setdefault(paragraf, {})[indicator] = r
    kr, persons = Unit("kr", 0, "kr."), labels.unit("08", "sagsbehandler")
    out = {}
    for caseworker, paragraphs in rows.items():
        out[caseworker] = []
        for paragraf in sorted(paragraphs, key=_paragraph_order):
            load, cost = paragraphs[paragraf].get("08", {}), paragraphs[paragraf].get("10", {})
            out[caseworker].append(
                {
                    "label": labels.word("paragraf", paragraf),
                    "load": formatted(load.get("value"), persons, load.get("undertrykt"))
                    if load
                    else "–",
                    "cost": formatted(cost.get("value"), kr, cost.get("undertrykt"))
                    if cost
                    else "–",
                    "users": formatted(cost.get("denominator"), persons, cost.get("undertrykt"))
                    if cost
                    else "–",
                }
            )
    return out


def _paragraph_order(paragraf: str) -> tuple:
    """§ 85 before § 107 before § 112_114: by number, then as written."""
    digits = re.match(r"\d+", paragraf)
    return (int(digits.group()) if digits else 10**6, paragraf)


def _caseloads(data: dict, kommune: str, status_date: date) -> list[str]:
    """The municipality's mean caseload (08) and expense per person (10) with the caseworkers and
    persons behind them, as sentences for the leaders."""
    labels, out = data["labels"], []
    for indicator, behind in (("08", "sagsbehandlere"), ("10", "modtagere")):
        total = data["by_key"].get((kommune, indicator, "total", "total", status_date))
        if not total or total["undertrykt"] or total["denominator"] is None:
            continue
        value = with_words(total["value"], labels.unit(indicator))
        out.append(f"{value} i gennemsnit over {number(total['denominator'])} {behind}")
    return out


def _bar(value: float | None, largest: float) -> int | None:
    """A bar's length in percent of the team's largest figure (None: no bar)."""
    if value is None or not largest:
        return None
    return round(100 * value / largest)
