"""The disclosure audit: can a reader work out a hidden count from what is published?

The method statistical offices use (../shared/notes/disclosure-audit.md; Hundepool et al.,
Statistical Disclosure Control, ch. 4): every hidden figure is an unknown >= 0, every published
figure a constant, every relation a reader knows an equation, every mark a bound (a `<5` count lies
in 1-4, or 0-5 for helaarsmodtagere and averages). For each hidden count, linear programming
(scipy's linprog, HiGHS) gives the least and the most it can be; a range narrower than the
project's protection level (var discretion_protection) is a disclosure. The relations are the
declarations' (runner/discretion_policy.py) and, so that the audit catches what a declaration
forgot, every breakdown of an indicator against its total and 13's average of 03's month-ends,
wherever they hold in the data. The audit reads the maximal publication: every cell the pattern
leaves shown (the leaders' report shows the most; every other report and export a part of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .discretion import pattern, primary, sensitive
from .discretion_policy import COUNTS, TOTAL, Cell, Equation, Policy, equations


@dataclass(frozen=True)
class Finding:
    kommune: str
    cell: Cell
    column: str
    low: float
    high: float
    relations: tuple[str, ...]
    shown: tuple = ()  # the published figures of those relations: (Cell, column)

    def __str__(self) -> str:
        c = self.cell
        return (
            f"{self.kommune} {c.date} {c.mart} {c.breakdown}={c.value} {self.column}: hidden, yet "
            f"a reader can work it out to lie in {self.low:g}..{self.high:g} from "
            f"{'; '.join(self.relations[:4])}"
        )


def holds(equation: Equation, cells: dict) -> bool:
    total, scale = 0.0, 1.0
    for (cell, column), coefficient in equation.terms:
        figure = cells[cell].get(column)
        if figure is None:
            return False
        total += coefficient * figure
        scale += abs(coefficient * figure)
    return abs(total) <= 1e-9 * scale


def extra_relations(cells: dict, policy: Policy) -> list[Equation]:
    """Relations the suppression does not use: any breakdown of an indicator adding up to its
    total, in any column; 13's denominator is the mean of 03's point counts at the month ends."""
    found = []
    tables = {}
    for cell in cells:
        tables.setdefault((cell.mart, cell.date, cell.breakdown), []).append(cell)
    for (mart, day, breakdown), members in tables.items():
        total = Cell(mart, day, TOTAL, TOTAL)
        if breakdown == TOTAL or total not in cells:
            continue
        for column in ("taeller", "naevner"):
            terms = [((c, column), 1.0) for c in members] + [((total, column), -1.0)]
            found.append(Equation(terms, f"{mart} {breakdown} adds up to its total ({column})"))
    for cell in cells:
        if cell.mart != "13":
            continue
        ends = [_month_end(cell.date.year, m) for m in range(1, cell.date.month)] + [cell.date]
        parts = [Cell("03", d, cell.breakdown, cell.value) for d in ends]
        if all(p in cells for p in parts):
            terms = [((cell, "naevner"), float(len(parts)))] + [
                ((p, "taeller"), -1.0) for p in parts
            ]
            found.append(Equation(terms, f"13 {cell.breakdown} at {cell.date} averages 03"))
    return found


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def audit_system(  # noqa: C901, PLR0912, PLR0915 - one LP per hidden cell of a system, set up in one place
    kommune: str,
    cells: dict,
    marks: dict,
    policy: Policy,
    threshold: float,
    protection: float,
    extra: bool = True,
) -> list[Finding]:
    """The findings of one linked system (a municipality and year): its cells, the hidden ones.
    With `extra` False only the declarations' relations (what suppression itself answers to)."""
    from scipy.optimize import linprog

    primaries = {c for c in marks if primary(c, cells, policy, threshold)}
    declared = equations(cells, policy)
    relations = [e for e in [*declared, *(extra_relations(cells, policy) if extra else [])]]
    relations = [e for e in relations if holds(e, cells)]
    # Unknowns: the hidden figures the relations mention; published figures are constants.
    index, rows = {}, []
    for equation in relations:
        row, constant, shown = {}, 0.0, []
        for (cell, column), coefficient in equation.terms:
            if cell in marks:
                var = index.setdefault((cell, column), len(index))
                row[var] = row.get(var, 0.0) + coefficient
            else:
                constant -= coefficient * cells[cell][column]
                shown.append((cell, column))
        if row:
            rows.append((row, constant, equation.why, tuple(shown)))
    variables = list(index)
    bounds = [_bounds(var, cells, marks, policy, threshold) for var in variables]
    parent = list(range(len(variables)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row, *_ in rows:
        first, *others = row
        for other in others:
            parent[root(other)] = root(first)
    components = {}
    for i in range(len(variables)):
        components.setdefault(root(i), []).append(i)
    by_component = {}
    for row in rows:
        by_component.setdefault(root(next(iter(row[0]))), []).append(row)
    findings = []
    for group, members in components.items():
        local = {v: k for k, v in enumerate(members)}
        equations_here = by_component.get(group, [])
        a_eq = [[row.get(v, 0.0) for v in members] for row, *_ in equations_here]
        b_eq = [constant for _, constant, *_ in equations_here]
        for var in members:
            cell, column = variables[var]
            if not sensitive((cell, column), cells, marks, primaries, policy):
                continue
            objective = [0.0] * len(members)
            range_ = []
            for sign in (1.0, -1.0):
                objective[local[var]] = sign
                result = linprog(
                    objective,
                    A_eq=a_eq or None,
                    b_eq=b_eq or None,
                    bounds=[bounds[v] for v in members],
                    method="highs",
                )
                if result.status == 3:  # unbounded
                    range_.append(-sign * float("inf"))
                elif result.status == 0:
                    range_.append(sign * result.fun)
                else:
                    range_.append(float("nan"))
            low, high = range_
            if not high - low >= _needed(cell, column, cells, policy, protection):
                why = tuple(dict.fromkeys(w for _, _, w, _ in equations_here))
                shown = tuple(dict.fromkeys(v for *_, vs in equations_here for v in vs))
                findings.append(Finding(kommune, cell, column, low, high, why, shown))
    return findings


def _bounds(var, cells: dict, marks: dict, policy: Policy, threshold: float) -> tuple:
    """What a reader knows of a hidden figure without any relation: >= 0, and a `<5` count below
    the threshold (at least 1 where it is a plain count of whole persons)."""
    cell, column = var
    declaration = policy.declaration(cell.mart)
    unit = declaration.units(cell.breakdown).get(column)
    if marks.get(cell) == COMPLEMENTARY_MARK or unit not in COUNTS:
        return (0.0, None)
    if marks.get(cell) is None or column != declaration.count_column(cell.breakdown):
        return (0.0, None)
    whole = COUNTS[unit] and declaration.amount_column(cell.breakdown) is None
    return (1.0, threshold - 1.0) if whole else (0.0, float(threshold))


COMPLEMENTARY_MARK = "x"


def _needed(cell: Cell, column: str, cells: dict, policy: Policy, protection: float) -> float:
    """The width a hidden figure's range must have: the protection level for a count of whole
    persons or spells (in person-days for a month's person-days); more than nothing for a
    fraction (helaarsmodtagere, a mean of month-end counts: a range under one person-year says
    no person's count) and for an amount of money."""
    unit = policy.declaration(cell.mart).units(cell.breakdown).get(column)
    if COUNTS.get(unit):
        return protection
    if unit == "person_days":
        return protection * (cells[cell].get("dage") or 1)
    return 1e-6 * max(1.0, abs(cells[cell].get(column) or 0))


def audit(units: dict, policy: Policy, threshold: float, protection: float) -> list[Finding]:
    """Every linked system's findings, under the pattern discretion makes for them."""
    marks = pattern(units, policy, threshold)
    findings = []
    for (kommune, year), cells in sorted(units.items(), key=str):
        hidden = {cell: mark for (k, cell), mark in marks.items() if k == kommune and cell in cells}
        del year
        findings += audit_system(kommune, cells, hidden, policy, threshold, protection)
    return findings


def audit_warehouse(con, policy: Policy, threshold: float, protection: float) -> list[Finding]:
    """The audit of a published warehouse's reports and discreet exports."""
    from .discretion import indicator_cells, mart_cells

    cursor = con.execute("select * from marts.indicator_values")
    names = [c[0] for c in cursor.description]
    units = indicator_cells([dict(zip(names, r, strict=True)) for r in cursor.fetchall()])
    tables = {
        t
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    }
    for declaration in policy.by_mart.values():
        if declaration.rows and declaration.model in tables:
            cursor = con.execute(f"select * from marts.{declaration.model}")
            names = [c[0] for c in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            mart_cells(declaration, rows, units)
    return audit(units, policy, threshold, protection)
