"""Discretion: counts of fewer than a threshold of persons (var discretion_min_persons) never leave
the warehouse in a report or a discreet export, nor can they be worked out from what does.

What each mart's cells count and how they relate is declared beside the mart in its YAML
(runner/discretion_policy.py). A cell counting fewer persons is shown as "<5" (primary
suppression); so is an average or an amount of money over fewer persons (a money figure over 0
persons included). Then every relation between cells (a breakdown and its total, the same quantity
in two marts, year-to-date figures and their months) that would give a hidden count back gets a
second hidden cell, "x" (complementary suppression), until no relation has a single hidden count;
then, while the audit of the declared relations can still narrow a hidden count (year-to-date
figures at consecutive month ends, marks that bound their cells), one more of their figures.
The linked system is a municipality and a year: every status date of the year and the months of
helmaanedsmodtagere together. One pattern serves every report and discreet export, so that what
one shows cannot be combined with another. runner/disclosure_audit.py proves the pattern holds.
The marts keep the exact figures for analysts.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import replace

from .discretion_policy import (
    AMOUNTS,
    COUNTS,
    INDICATOR_COLUMNS,
    Cell,
    Declaration,
    Policy,
    equations,
)
from .errors import InputError, ProjectError
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
# rows of caseworkers, which only the leaders' report shows: a team of one caseworker is that
# caseworker's caseload, so team rows stay out of a discreet export too
CASEWORKERS = ("sagsbehandler", "paragraf:sagsbehandler", "team")


def label(threshold: float) -> str:
    """How a primary suppressed cell reads: <5."""
    return f"<{threshold:g}"


def default_policy() -> Policy:
    from .project import load_project

    return Policy.of(load_project())


def indicator_cells(rows: list[dict]) -> dict:
    """indicator_values rows -> {(kommune, year): {Cell: {column: figure}}}, in the models'
    column names."""
    units = defaultdict(dict)
    names = {v: k for k, v in INDICATOR_COLUMNS.items()}
    for row in rows:
        cell = Cell(row["indicator"], row["status_date"], row["breakdown"], row["breakdown_value"])
        figures = {names[c]: row[c] for c in names}
        units[row["kommunekode"], row["status_date"].year][cell] = figures
    return units


def mart_cells(declaration: Declaration, rows: list[dict], units: dict) -> None:
    """Add another mart's rows (helmaanedsmodtagere) to the linked systems."""
    keys = declaration.rows
    for row in rows:
        day = row[keys["date"]]
        cell = Cell(
            declaration.mart, day, str(row[keys["breakdown"]]), str(row.get(keys.get("value"), ""))
        )
        units[row[keys["kommune"]], day.year][cell] = {c: row[c] for c in declaration.counts}


def suppress(rows: list[dict], threshold: float, policy: Policy | None = None) -> list[dict]:
    """Copies of indicator_values rows (dicts with kommunekode, status_date, indicator, breakdown,
    breakdown_value, numerator, denominator, value) with `undertrykt` set to None, "<5" or "x";
    a suppressed row's numerator, denominator and value are None."""
    policy = policy or default_policy()
    marks = pattern(indicator_cells(rows), policy, threshold)
    return _marked(rows, marks)


def pattern(units: dict, policy: Policy, threshold: float) -> dict:
    """(kommune, Cell) -> "<5" or "x" for every hidden cell of every linked system."""
    marks = {}
    for (kommune, _), cells in sorted(units.items(), key=lambda item: str(item[0])):
        # the greedy choices (which cell hides a sum, which `<5` says `x`) follow the cells'
        # order: an explicit one, so that the pattern never depends on the marts' row order
        ordered = dict(sorted(cells.items(), key=lambda item: _order(item[0], policy)))
        for cell, mark in marks_of(ordered, policy, threshold).items():
            marks[kommune, cell] = mark
    return marks


def _order(cell: Cell, policy: Policy) -> tuple:
    """A cell's place in its linked system: the indicators' cells by status date, indicator,
    breakdown and value (indicator_values' key order), then the other marts' (helmaanedsmodtagere)
    by mart, breakdown, value and date (their own key order)."""
    declaration = policy.declaration(cell.mart)
    value = (cell.value is None, cell.value or "")
    if declaration is None or declaration.indicator:
        return (0, cell.date, cell.mart, cell.breakdown, value)
    return (1, cell.mart, cell.breakdown, value, cell.date)


def primary(cell: Cell, cells: dict, policy: Policy, threshold: float) -> bool:
    """A count of fewer persons than the threshold, or an amount (money, hours) of fewer persons:
    an average over few, a money figure over none, 11's money of an area's few persons."""
    declaration = policy.declaration(cell.mart)
    figures = cells[cell]
    count = declaration.count_column(cell.breakdown)
    amount = declaration.amount_column(cell.breakdown)
    spent = bool(amount and figures.get(amount))
    if count is not None:
        persons = figures.get(count) or 0
        return 0 < persons < threshold or (persons == 0 and spent)
    refs = declaration.persons.get((cell.breakdown, cell.value))
    if spent and refs:
        persons = 0
        for ref in refs:
            other = Cell(ref.mart, cell.date, ref.breakdown, ref.value)
            found = policy.declaration(ref.mart)
            column = ref.column or (found.count_column(ref.breakdown) if found else None)
            persons += (cells.get(other) or {}).get(column) or 0
        return persons < threshold
    return False


def sensitive(var, cells: dict, marks: dict, primaries: set | None, policy: Policy) -> bool:
    """A hidden figure that must not be worked out: a count or its person-days, and an amount
    (of a primary cell, or with `primaries` None of any hidden cell: a complement's amount
    protects a primary's); a zero protects nothing and needs no protection."""
    cell, column = var
    if cell not in marks or not cells[cell].get(column):
        return False
    unit = policy.declaration(cell.mart).units(cell.breakdown).get(column)
    if unit in COUNTS or unit == "person_days":
        return True
    return unit in AMOUNTS and (primaries is None or cell in primaries)


def marks_of(cells: dict, policy: Policy, threshold: float) -> dict:
    """The cells of one linked system (Cell -> {column: figure}) to hide: Cell -> "<5" or "x"."""
    primary_label = label(threshold)
    marks = {}
    for cell in sorted(cells, key=str):
        declaration = policy.declaration(cell.mart)
        if (
            declaration is None
            or cell.breakdown not in declaration.breakdowns
            and declaration.indicator
        ):
            # Fail closed: a cell nobody declared is not shown.
            log.warning("discretion: %s %s is not declared; hidden", cell.mart, cell.breakdown)
            marks[cell] = COMPLEMENTARY
        elif primary(cell, cells, policy, threshold):
            marks[cell] = primary_label
    relations = equations(cells, policy)
    proved = set()
    while True:
        _complements(relations, cells, marks, policy)
        if not _answer_the_audit(cells, marks, policy, threshold, relations, proved):
            return marks


def _complements(relations: list, cells: dict, marks: dict, policy: Policy) -> None:
    """Hide a second cell in every relation with a single hidden figure that must be protected."""
    primary_label = next((m for m in marks.values() if m != COMPLEMENTARY), None)
    changed = True
    while changed:
        changed = False
        for equation in relations:
            hidden = [var for var, _ in equation.terms if var[0] in marks]
            if len(hidden) != 1 or not sensitive(hidden[0], cells, marks, None, policy):
                continue
            shown = [var for var, _ in equation.terms if var[0] not in marks]
            if not shown:
                continue
            # The smallest figure that is not zero (a hidden zero protects nothing where zeros
            # show elsewhere), else a zero.
            cell, _ = min(shown, key=lambda v: _cost(v, cells, policy))
            twin = len(equation.terms) == 2 and marks[hidden[0][0]] == primary_label
            marks[cell] = marks[hidden[0][0]] if twin else COMPLEMENTARY
            changed = True


def _cost(var, cells: dict, policy: Policy) -> tuple:
    """Which published figure to hide first: a waterfall's cause before its ends (its start is
    last month's figure, which a reader has; its end is 11's, published beside it), a non-zero
    one, a count before an amount, the smallest."""
    cell, column = var
    figure = cells[cell].get(column) or 0
    declaration = policy.declaration(cell.mart)
    unit = declaration.units(cell.breakdown).get(column)
    end = cell.value in {declaration.changes.get("from"), declaration.changes.get("to")} - {None}
    return (end, not figure, unit not in COUNTS, abs(figure), str(var))


def _answer_the_audit(  # noqa: PLR0913 - the system, its pattern, its relations, what is proved
    cells: dict, marks: dict, policy: Policy, threshold: float, relations: list, proved: set
) -> bool:
    """Where several relations together still narrow a hidden count (year-to-date figures at
    consecutive month ends, marks that bound their cells), hide one more published figure of the
    relations that hold it there; where only hidden cells' marks hold it (four `<5` age bands
    under a `<5` total of 4: each is 1), one of those `<5` marks (and its twins') becomes `x`,
    which tells a reader nothing. False when the declarations' relations give nothing away."""
    from .disclosure_audit import audit_system

    findings = audit_system(
        "", cells, marks, policy, threshold, policy.protection, False, relations, proved
    )
    changed = set()
    # the published figures holding several findings first (one hidden figure may answer many),
    # the cheapest among equals
    held = Counter(v for f in findings for v in dict.fromkeys(f.shown) if v[0] not in marks)
    for finding in findings:
        candidates = [v for v in finding.shown if v[0] not in marks]
        if changed & {c for c, _ in finding.shown} or (
            not candidates and changed & {finding.cell, *finding.marked}
        ):
            continue  # this round's earlier answer may answer it too: the next round tells
        if candidates:
            cell = min(
                candidates,
                key=lambda v: (_cost(v, cells, policy)[0], -held[v], _cost(v, cells, policy)),
            )[0]
            marks[cell] = COMPLEMENTARY
            changed.add(cell)
            continue
        for cell in _relabelled(finding, marks, relations):
            marks[cell] = COMPLEMENTARY
            changed.add(cell)
    return bool(changed)


def _relabelled(finding, marks: dict, relations: list) -> list:
    """The `<5` cell whose mark to make `x` for a finding (its own where it holds it, else a
    breakdown's before a total's, the smallest), with its twins (the same quantity elsewhere)."""
    bounding = [c for c in finding.marked if marks.get(c) not in (None, COMPLEMENTARY)]
    if not bounding:
        return []
    own = finding.cell in bounding and finding.cell.breakdown != "total"
    cell = finding.cell if own else min(bounding, key=lambda c: (c.breakdown == "total", str(c)))
    twins, todo = {cell}, [cell]
    while todo:
        current = todo.pop()
        for equation in relations:
            pair = {var[0] for var, _ in equation.terms}
            if len(equation.terms) == 2 and current in pair:
                for other in pair - twins:
                    if marks.get(other) not in (None, COMPLEMENTARY):
                        twins.add(other)
                        todo.append(other)
    return sorted(twins, key=str)


def warehouse_pattern(con, policy: Policy, threshold: float) -> tuple[list[dict], dict, dict]:
    """Every declared mart of a warehouse read, and one pattern over them: (indicator_values rows,
    the other marts' rows by mart, the marks)."""
    cursor = con.execute("select * from marts.indicator_values")
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    undeclared = sorted({row["indicator"] for row in rows} - set(policy.by_mart))
    if undeclared:
        # fail closed: a figure whose discretion this project cannot vouch for is never shown
        raise ProjectError(
            f"the warehouse holds indicator(s) {', '.join(undeclared)} that no model of this "
            "project declares discretion for (meta.discretion): report it with the project that "
            "built it"
        )
    units = indicator_cells(rows)
    policy = policy.with_groups(con)
    tables = {
        t
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    }
    others = {}
    for declaration in policy.by_mart.values():
        if declaration.rows and declaration.model in tables:
            cursor = con.execute(f"select * from marts.{declaration.model}")
            names = [c[0] for c in cursor.description]
            others[declaration.model] = [
                dict(zip(names, r, strict=True)) for r in cursor.fetchall()
            ]
            mart_cells(declaration, others[declaration.model], units)
    return rows, others, pattern(units, policy, threshold)


def _marked(rows: list[dict], marks: dict) -> list[dict]:
    """The rows with their mark in `undertrykt`, a marked row's figures emptied."""
    out = []
    for row in rows:
        key = (
            row["kommunekode"],
            Cell(row["indicator"], row["status_date"], row["breakdown"], row["breakdown_value"]),
        )
        mark = marks.get(key)
        hidden = {"numerator": None, "denominator": None, "value": None} if mark else {}
        out.append({**row, **hidden, "undertrykt": mark})
    return out


def discreet_rows(con, threshold: float, policy: Policy | None = None) -> list[dict]:
    """marts.indicator_values as a report may show it: the warehouse's one pattern applied."""
    return discreet_pattern(con, threshold, policy)[0]


def discreet_pattern(con, threshold: float, policy: Policy | None = None) -> tuple[list, dict]:
    """discreet_rows, and the marks of every declared mart ((kommune, Cell) -> mark): a report's
    other marts (aendringer) are shown with the one pattern the audit proves."""
    policy = policy or default_policy()
    rows, _, marks = warehouse_pattern(con, policy, threshold)
    return _marked(rows, marks), marks


def discreet_transform(project: Project) -> Transform:
    """`lis export --discreet`'s transform (runner/export.py): each mart's `Table` as its discreet
    version under the export's column names, with a column `undertrykt`; a suppressed row's
    figures are empty and caseworker rows are left out. A mart discretion cannot vouch for is left
    out (None), with a warning."""
    threshold = project.vars["discretion_min_persons"]
    policy = Policy.of(project)
    column = Column(
        UNDERTRYKT,
        project.export_labels.get(UNDERTRYKT, UNDERTRYKT),
        f"Why the row's figures are empty: '{label(threshold)}' counts fewer than "
        f"{threshold:g} persons, '{COMPLEMENTARY}' is hidden so that such a count cannot be "
        "worked out from a total; empty where the figures are shown.",
    )

    def transform(con, table: Table) -> Table | None:
        declaration = policy.by_model.get(table.name)
        if declaration is not None and declaration.public:
            return table
        indicators = _indicators_of_models(con)
        if declaration is not None and declaration.rows:
            _marks_table(con, policy, threshold)
            return _discreet_mart(table, column, declaration, project)
        if table.name == "indicator_values":
            sources, where = INDICATOR_VALUES, ""
        elif table.name in indicators and declaration is not None:
            sources = tuple(c for c in INDICATOR_VALUES if c != "indicator")
            where = f" where indicator = '{indicators[table.name]}'"
        else:
            log.warning(
                "marts.%s: left out of the discreet export (discretion does not know it)",
                table.name,
            )
            return None
        _marks_table(con, policy, threshold)
        _discreet_indicator_values(con)
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


def _discreet_mart(table: Table, column: Column, declaration: Declaration, project) -> Table:
    """Another mart (helmaanedsmodtagere): a hidden row's counts and amounts emptied."""
    name = project.export_column_names
    keys = declaration.rows
    same = " and ".join(
        [
            f'shown."{name.get(keys["kommune"], keys["kommune"])}" = marks.kommunekode',
            f'shown."{name.get(keys["date"], keys["date"])}" = marks.status_date',
            f'shown."{name.get(keys["breakdown"], keys["breakdown"])}"::varchar = marks.breakdown',
            f"marks.indicator = '{declaration.mart}'",
        ]
        + (
            [f'shown."{name.get(keys["value"], keys["value"])}"::varchar = marks.breakdown_value']
            if "value" in keys
            else []
        )
    )
    emptied = ", ".join(
        f'case when marks.{UNDERTRYKT} is null then shown."{c}" end as "{c}"'
        for c in (name.get(c, c) for c in declaration.counts)
    )
    return replace(
        table,
        description=f"{table.description} {DISCREET}",
        columns=(*table.columns, column),
        query=f"select shown.* replace ({emptied}), marks.{UNDERTRYKT}::varchar as {UNDERTRYKT} "
        f"from ({table.query}) as shown left join suppression_marks as marks on {same}",
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


def _exists(con, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where temporary and table_name = ?", [name]
        ).fetchone()[0]
    )


def _marks_table(con, policy: Policy, threshold: float) -> None:
    """Temp table suppression_marks: the warehouse's one pattern, a row per hidden cell (mart,
    municipality, date, breakdown, value, mark), computed once per export."""
    if _exists(con, "suppression_marks"):
        return
    import pandas

    _, _, marks = warehouse_pattern(con, policy, threshold)
    frame = pandas.DataFrame(
        [
            [cell.mart, kommune, cell.date, cell.breakdown, cell.value, mark]
            for (kommune, cell), mark in sorted(marks.items(), key=str)
        ],
        columns=[
            "indicator",
            "kommunekode",
            "status_date",
            "breakdown",
            "breakdown_value",
            UNDERTRYKT,
        ],
        dtype=object,
    )
    con.register("suppression_frame", frame)
    try:
        con.execute(
            "create temp table suppression_marks as select indicator::varchar as indicator, "
            "kommunekode::varchar as kommunekode, status_date::date as status_date, "
            "breakdown::varchar as breakdown, breakdown_value::varchar as breakdown_value, "
            f"{UNDERTRYKT}::varchar as {UNDERTRYKT} from suppression_frame"
        )
    finally:
        con.unregister("suppression_frame")


def _discreet_indicator_values(con) -> None:
    """Temp table discreet_indicator_values: marts.indicator_values without caseworker rows, a
    suppressed row's figures emptied and its mark in `undertrykt`; the figures keep their types."""
    if _exists(con, "discreet_indicator_values"):
        return
    keys = ["kommunekode", "status_date", "indicator", "breakdown", "breakdown_value"]
    same = " and ".join(f"shown.{k} = marks.{k}" for k in keys)
    figures = ", ".join(
        f"case when marks.{UNDERTRYKT} is null then shown.{c} end as {c}"
        for c in ("numerator", "denominator", "value")
    )
    con.execute(
        f"create temp table discreet_indicator_values as select shown.* replace ({figures}), "
        f"marks.{UNDERTRYKT} from marts.indicator_values as shown "
        f"left join suppression_marks as marks on {same} "
        f"where shown.breakdown not in {CASEWORKERS}"
    )
