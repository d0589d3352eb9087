"""Discretion: counts of fewer than a threshold of persons (var discretion_min_persons) never leave
the warehouse in a report or a discreet export.

A cell counting fewer persons is shown as "<5" (primary suppression); an average over fewer persons
(01, 08, 10, 12-15) likewise. Where cells add up to a published total, one hidden cell could be
worked out from the total and the cells beside it, so another cell of the same sum is hidden too,
marked "x" (complementary suppression), until every sum has none or at least two hidden cells.
The marts keep the exact figures for analysts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace

from .errors import InputError
from .export import Column, Table, Transform
from .project import Project

log = logging.getLogger("lis")

COMPLEMENTARY = "x"
UNDERTRYKT = "undertrykt"  # the discreet export's column of marks
DISCREET = "Discreet: counts of few persons and the cells revealing them are emptied (undertrykt)."
INDICATOR_VALUES = (
    "kommunekode",
    "status_date",
    "indicator",
    "breakdown",
    "breakdown_value",
    "numerator",
    "denominator",
    "value",
)
# Whom a cell counts: the numerator of a count, the denominator of an average. 08's numerator is
# persons (per caseworker, or pairs in the total); 11 counts no persons (money over a budget).
PERSONS_IN = {
    "01": "denominator",
    "02": "numerator",
    "03": "numerator",
    "04": "numerator",
    "05": "numerator",
    "06": "numerator",
    "07": "numerator",
    "08": "numerator",
    "09": "numerator",
    "10": "denominator",
    "12": "denominator",
    "13": "denominator",
    "14": "denominator",
    "15": "denominator",
    "A1": "numerator",
}
# A breakdown's cells add up to its indicator's total unless listed here: these add up to nothing
# published, or to another indicator's cell (09's persons in dagtilbud by age are 03's point count).
NO_SUM = {("06", "udgiftsinterval"), ("09", "aldersgruppe:botilbud")}
NO_SUM |= {("09", "aldersgruppe:hjaelperordning")}
SUMS_TO = {("09", "aldersgruppe:dagtilbud"): ("03", "total", "total")}
TOTAL = ("total", "total")
# 05 is 02 + 03 + 04: its total sums their totals, and each paragraph cell is theirs.
PARTS_OF_05 = ("02", "03", "04")


def label(threshold: float) -> str:
    """How a primary suppressed cell reads: <5."""
    return f"<{threshold:g}"


def suppress(rows: list[dict], threshold: float) -> list[dict]:
    """Copies of indicator_values rows (dicts with kommunekode, status_date, indicator, breakdown,
    breakdown_value, numerator, denominator, value) with `undertrykt` set to None, "<5" or "x";
    a suppressed row's numerator, denominator and value are None. Each municipality and status
    date is one table."""
    tables = defaultdict(dict)
    for row in rows:
        key = (row["indicator"], row["breakdown"], row["breakdown_value"])
        tables[(row["kommunekode"], row["status_date"])][key] = row
    out = []
    for cells in tables.values():
        marks = marks_of(
            {
                key: row[PERSONS_IN[key[0]]] if key[0] in PERSONS_IN else None
                for key, row in cells.items()
            },
            threshold,
        )
        for key, row in cells.items():
            mark = marks.get(key)
            hidden = {"numerator": None, "denominator": None, "value": None} if mark else {}
            out.append({**row, **hidden, "undertrykt": mark})
    return out


def marks_of(persons: dict[tuple, float | None], threshold: float) -> dict[tuple, str]:
    """The cells of one table to hide: (indicator, breakdown, breakdown_value) -> "<5" or "x".
    `persons` gives each cell's count of persons (None where it counts none)."""
    primary = label(threshold)
    marks = {
        key: primary
        for key, count in persons.items()
        if key[0] in PERSONS_IN and count and 0 < count < threshold
    }
    sums, twins = _sums(persons), _twins(persons)
    changed = True
    while changed:
        changed = False
        for group in twins:
            shown = [key for key in group if key in marks]
            for key in group:
                if shown and key not in marks:
                    marks[key] = marks[shown[0]]
                    changed = True
        for parts, total in sums:
            members = [*parts, total]
            if sum(key in marks for key in members) != 1:
                continue
            candidates = [key for key in members if key not in marks]
            if not candidates:
                continue
            # The smallest part that is not zero, else the total (a zero hidden protects nothing
            # where zeros show elsewhere).
            chosen = min(
                candidates,
                key=lambda key: (not persons[key], key == total, persons[key] or 0, key),
            )
            marks[chosen] = COMPLEMENTARY
            changed = True
    return marks


def _sums(persons: dict) -> list[tuple[list[tuple], tuple]]:
    """Every published sum of one table: (its parts, the cell they add up to)."""
    parts = defaultdict(list)
    for key in sorted(persons):
        indicator, breakdown, _ = key
        if indicator not in PERSONS_IN or (indicator, breakdown) in NO_SUM:
            continue
        if breakdown != "total":
            parts[SUMS_TO.get((indicator, breakdown), (indicator, *TOTAL)), breakdown].append(key)
    sums = [(cells, total) for (total, _), cells in parts.items() if total in persons]
    totals_05 = [(i, *TOTAL) for i in PARTS_OF_05 if (i, *TOTAL) in persons]
    if ("05", *TOTAL) in persons and totals_05:
        sums.append((totals_05, ("05", *TOTAL)))
    return sums


def _twins(persons: dict) -> list[list[tuple]]:
    """Cells published twice: 05's paragraph cells are 02's, 03's and 04's."""
    groups = []
    for indicator, breakdown, value in sorted(persons):
        if indicator == "05" and breakdown != "total":
            same = [(i, breakdown, value) for i in PARTS_OF_05 if (i, breakdown, value) in persons]
            groups.append([(indicator, breakdown, value), *same])
    return groups


def discreet_transform(project: Project) -> Transform:
    """`lis export --discreet`'s transform (runner/export.py): each mart's `Table` as its discreet
    version under the export's column names, with a column `undertrykt`; a suppressed row's
    figures are empty and caseworker rows are left out. A mart discretion cannot vouch for is left
    out (None), with a warning."""
    threshold = project.vars["discretion_min_persons"]
    column = Column(
        UNDERTRYKT,
        project.export_labels.get(UNDERTRYKT, UNDERTRYKT),
        f"Why the row's figures are empty: '{label(threshold)}' counts fewer than "
        f"{threshold:g} persons, '{COMPLEMENTARY}' is hidden so that such a count cannot be "
        "worked out from a total; empty where the figures are shown.",
    )

    def transform(con, table: Table) -> Table | None:
        if table.name == "varedeklaration":
            return table
        if table.name == "helmaanedsmodtagere":
            return _discreet_helmaanedsmodtagere(table, column, threshold)
        indicators = _indicators_of_models(con)
        if table.name == "indicator_values":
            sources, where = INDICATOR_VALUES, ""
        elif table.name in indicators:
            sources = tuple(c for c in INDICATOR_VALUES if c != "indicator")
            where = f" where indicator = '{indicators[table.name]}'"
        else:
            log.warning(
                "marts.%s: left out of the discreet export (discretion does not know it)",
                table.name,
            )
            return None
        _discreet_indicator_values(con, threshold)
        # An ind_* mart is indicator_values' columns but the indicator, in that order.
        select = ", ".join(
            f'{source} as "{c.name}"' for source, c in zip(sources, table.columns, strict=True)
        )
        return replace(
            table,
            description=f"{table.description} {DISCREET}",
            columns=(*table.columns, column),
            query=f"select {select}, {UNDERTRYKT} from discreet_indicator_values{where}",
        )

    return transform


def _discreet_helmaanedsmodtagere(table: Table, column: Column, threshold: float) -> Table:
    """A month's full-month recipients of a group are few persons: they and their days hidden."""
    hidden = f"helmaanedsmodtagere > 0 and helmaanedsmodtagere < {float(threshold)!r}"
    return replace(
        table,
        description=f"{table.description} {DISCREET}",
        columns=(*table.columns, column),
        query="select * replace ("
        f"case when not ({hidden}) then persondage end as persondage, "
        f"case when not ({hidden}) then helmaanedsmodtagere end as helmaanedsmodtagere), "
        f"case when {hidden} then '{label(threshold)}' end as {UNDERTRYKT} "
        f"from ({table.query})",
    )


def _indicators_of_models(con) -> dict[str, str]:
    """ind_* mart -> its indicator, from marts.varedeklaration."""
    known = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' "
        "and table_name = 'varedeklaration'"
    ).fetchone()[0]
    if not known:
        raise InputError("the warehouse has no marts.varedeklaration: rebuild it with lis build")
    return dict(con.execute("select model, indicator from marts.varedeklaration").fetchall())


def _discreet_indicator_values(con, threshold: float) -> None:
    """Temp table discreet_indicator_values: marts.indicator_values without caseworker rows, a
    suppressed row's figures emptied and its mark in `undertrykt`; the figures keep their types."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where temporary "
        "and table_name = 'discreet_indicator_values'"
    ).fetchone()[0]
    if exists:
        return
    import pandas

    cursor = con.execute(
        "select * from marts.indicator_values where breakdown <> 'sagsbehandler' "
        "order by kommunekode, status_date, indicator, breakdown, breakdown_value"
    )
    names = [c[0] for c in cursor.description]
    rows = suppress([dict(zip(names, row, strict=True)) for row in cursor.fetchall()], threshold)
    keys = ["kommunekode", "status_date", "indicator", "breakdown", "breakdown_value"]
    marks = pandas.DataFrame(
        [[*(row[k] for k in keys), row[UNDERTRYKT]] for row in rows if row[UNDERTRYKT]],
        columns=[*keys, UNDERTRYKT],
        dtype=object,
    )
    con.register("suppression_marks", marks)
    try:
        types = {k: "date" if k == "status_date" else "varchar" for k in keys}
        same = " and ".join(f"shown.{k} is not distinct from marks.{k}::{types[k]}" for k in keys)
        figures = ", ".join(
            f"case when marks.{UNDERTRYKT} is null then shown.{c} end as {c}"
            for c in ("numerator", "denominator", "value")
        )
        con.execute(
            f"create temp table discreet_indicator_values as select shown.* replace ({figures}), "
            f"marks.{UNDERTRYKT}::varchar as {UNDERTRYKT} "
            "from marts.indicator_values as shown "
            f"left join suppression_marks as marks on {same} "
            "where shown.breakdown <> 'sagsbehandler'"
        )
    finally:
        con.unregister("suppression_marks")
