"""The disclosure audit: can a reader work out a hidden count from what is published?

The method statistical offices use (../shared/notes/disclosure-audit.md; Hundepool et al.,
Statistical Disclosure Control, ch. 4): every hidden figure is an unknown >= 0, every published
figure a constant, every relation a reader knows an equation, every mark a bound (a `<5` count lies
in 1-4, or 0-5 for helaarsmodtagere and averages). For each hidden count, linear programming
(HiGHS, through highspy) gives the least and the most it can be; a range narrower than the
project's protection level (var discretion_protection) is a disclosure. The relations are the
declarations' (runner/discretion_policy.py) and, so that the audit catches what a declaration
forgot, every breakdown of an indicator against its total and 13's average of 03's month-ends,
wherever they hold in the data. The audit reads the maximal publication: every cell the pattern
leaves shown (the leaders' report shows the most; every other report and export a part of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy

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
    marked: tuple = ()  # the hidden cells whose marks' bounds hold it (a `<5` is 1-4)

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


def audit_system(  # noqa: PLR0913 - the system, its pattern and the audit's settings
    kommune: str,
    cells: dict,
    marks: dict,
    policy: Policy,
    threshold: float,
    protection: float,
    extra: bool = True,
    declared: list | None = None,
    proved: set | None = None,
) -> list[Finding]:
    """The findings of one linked system (a municipality and year): its cells, the hidden ones.
    With `extra` False only the declarations' relations (what suppression itself answers to);
    `declared` are those relations where the caller has them. `proved` gathers the hidden figures
    found protected and skips them: hiding more (or a `<5` becoming `x`) only takes constraints
    away, so a figure protected stays protected through suppression's rounds."""
    primaries = {c for c in marks if primary(c, cells, policy, threshold)}
    declared = equations(cells, policy) if declared is None else declared
    relations = [*declared, *(extra_relations(cells, policy) if extra else [])]
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
    findings = []
    for members, here in _blocks(len(variables), rows):
        wanted = {
            v: _needed(*variables[v], cells, policy, protection)
            for v in members
            if sensitive(variables[v], cells, marks, primaries, policy)
            and (proved is None or variables[v] not in proved)
        }
        if not wanted:
            continue
        block = _Block(members, here, [bounds[v] for v in members], variables, cells)
        found = block.findings(wanted, kommune, marks)
        findings += found
        if proved is not None:
            proved |= {variables[v] for v in wanted} - {(f.cell, f.column) for f in found}
    return findings


def _blocks(count: int, rows: list) -> list:
    """The independent blocks of a system: hidden figures linked by a relation, and their
    relations (each solved on its own: a smaller programme, the same ranges)."""
    parent = list(range(count))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row, *_ in rows:
        first, *others = row
        for other in others:
            parent[root(other)] = root(first)
    members, relations = {}, {}
    for i in range(count):
        members.setdefault(root(i), []).append(i)
    for row in rows:
        relations.setdefault(root(next(iter(row[0]))), []).append(row)
    return [(m, relations.get(group, [])) for group, m in members.items()]


class _Block:
    """One block's linear programme. Every solution found is a point the reader cannot tell from
    the truth, as is the truth itself: a figure whose values over those points already spread as
    wide as it must is proved protected without a programme of its own (the same verdict, fewer
    solves). One HiGHS model serves the block: each figure's least and most is the same
    programme with another objective, solved warm from the last basis. A figure found narrow is
    solved again cold, whose duals name the relations holding it, so that suppression's answer
    does not hang on which figures the model solved before."""

    def __init__(self, members: list, rows: list, bounds: list, variables: list, cells: dict):
        self.local = {v: k for k, v in enumerate(members)}
        self.members, self.rows, self.variables = members, rows, variables
        self.bounds = bounds
        truth = [float(cells[variables[v][0]].get(variables[v][1]) or 0) for v in members]
        self.low, self.high = numpy.array(truth), numpy.array(truth)
        self._model = None

    def findings(self, wanted: dict, kommune: str, marks: dict) -> list[Finding]:
        """The figures of `wanted` (var -> the width it needs) a reader can narrow further."""
        found = []
        for var, needed in wanted.items():
            low, high = self.range(var, needed)
            if high - low >= needed:  # NaN (HiGHS could not say): solved as before
                continue
            low, high, binding = self._exact(var)
            if high - low >= needed:
                continue
            cell, column = self.variables[var]
            why = tuple(dict.fromkeys(self.rows[i][2] for i in binding["equations"]))
            shown = tuple(dict.fromkeys(v for i in binding["equations"] for v in self.rows[i][3]))
            marked = tuple(
                dict.fromkeys(
                    self.variables[v][0] for v in binding["bounds"] if self.variables[v][0] in marks
                )
            )
            found.append(Finding(kommune, cell, column, low, high, why, shown, marked))
        return found

    def _proved(self, var: int, needed: float) -> bool:
        k = self.local[var]
        return bool(self.high[k] - self.low[k] >= needed)

    def _point(self, values) -> None:
        self.low, self.high = numpy.minimum(self.low, values), numpy.maximum(self.high, values)

    def range(self, var: int, needed: float) -> tuple[float, float]:
        """The least and the most a figure can be, or a range wide enough."""
        k = self.local[var]
        ends = []
        for sign in (1.0, -1.0):
            if self._proved(var, needed):
                return float(self.low[k]), float(self.high[k])
            ends.append(self._optimum(k, sign))
        return ends[0], ends[1]

    def _optimum(self, k: int, sign: float) -> float:
        """The least (sign 1) or the most (sign -1) figure k can be: HiGHS warm; NaN where it
        cannot say (then _exact decides)."""
        import highspy

        highs = self._highs()
        highs.changeColCost(k, sign)
        highs.run()
        status, end = highs.getModelStatus(), float("nan")
        if status == highspy.HighsModelStatus.kOptimal:
            self._point(highs.getSolution().col_value)
            end = sign * highs.getInfo().objective_function_value
        elif status == highspy.HighsModelStatus.kUnbounded:
            end = -sign * float("inf")
        highs.changeColCost(k, 0.0)  # (which forgets the solution)
        return end

    def _highs(self):
        if self._model is not None:
            return self._model
        import highspy

        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        count = len(self.members)
        upper = [highspy.kHighsInf if high is None else high for _, high in self.bounds]
        highs.addCols(
            count, numpy.zeros(count), [low for low, _ in self.bounds], upper, 0, [], [], []
        )
        rows = [row for row, *_ in self.rows]
        constants = numpy.array([c for _, c, *_ in self.rows], dtype=float)
        highs.addRows(
            len(rows),
            constants,
            constants,
            sum(len(row) for row in rows),
            numpy.cumsum([0] + [len(row) for row in rows[:-1]], dtype=numpy.int32),
            numpy.array([self.local[v] for row in rows for v in row], dtype=numpy.int32),
            numpy.array([c for row in rows for c in row.values()], dtype=float),
        )
        self._model = highs
        return self._model

    def _exact(self, var: int) -> tuple[float, float, dict]:
        """The least and the most a figure can be, each solved cold (from no basis: what the
        solution's duals name does not hang on the figures solved before), and the relations and
        marks' bounds that hold it there (nonzero duals)."""
        import highspy

        highs, k = self._highs(), self.local[var]
        binding = {"equations": set(), "bounds": set()}
        ends = []
        for sign in (1.0, -1.0):
            highs.clearSolver()
            highs.changeColCost(k, sign)
            status = _run(highs)
            if status == highspy.HighsModelStatus.kOptimal:
                solution = highs.getSolution()
                self._point(solution.col_value)
                ends.append(sign * highs.getInfo().objective_function_value)
                binding["equations"].update(_nonzero(solution.row_dual))
                binding["bounds"].update(self.members[j] for j in _nonzero(solution.col_dual))
            elif status == highspy.HighsModelStatus.kUnbounded:
                ends.append(-sign * float("inf"))
            else:
                ends.append(float("nan"))
            highs.changeColCost(k, 0.0)
        return ends[0], ends[1], binding


def _nonzero(duals) -> list[int]:
    return numpy.flatnonzero(numpy.abs(numpy.asarray(duals)) > 1e-9).tolist()


def _run(highs):
    """Solve; where presolve cannot tell an unbounded programme from an infeasible one, without
    it."""
    import highspy

    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        highs.setOptionValue("presolve", "off")
        highs.clearSolver()
        highs.run()
        highs.setOptionValue("presolve", "choose")
        status = highs.getModelStatus()
    return status


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
    return audit(units, policy.with_groups(con), threshold, protection)
