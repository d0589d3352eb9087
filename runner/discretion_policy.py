"""The discretion declarations (`meta: discretion:` beside each mart in its YAML), read and checked,
and the linear relations between published cells that follow from them.

A mart's declaration says whom each of its figures counts (`counts`: a column and its unit), what
each breakdown's cells add up to (`breakdowns`), and which of its cells are another mart's cells
(`same_as`, `sum_of`, `times`, `year_to_date`). Suppression (runner/discretion.py) hides cells so
that no relation gives a hidden count back; the audit (runner/disclosure_audit.py) solves the same
relations, and a few more, to prove it. A mart without a declaration is refused when the project
loads: discretion fails closed.

A reference to a cell is `MART BREAKDOWN[=VALUE] [COLUMN]`: `02 total`, `11 omraade=botilbud`,
`12 total naevner`; MART is an indicator id or a mart's name, COLUMN defaults to the cell's count.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .errors import ProjectError

# Units a column can count. A count under the threshold is hidden; whole persons and spells are
# integers (a `<5` mark tells a reader 1-4), helaarsmodtagere are person-years (0-5).
COUNTS = {"persons": True, "spells": True, "helaarsmodtagere": False}
# Amounts of the row's persons (money, hours, person-days): hidden when they are few.
AMOUNTS = ("money", "hours", "person_days")
# Figures that count no member of the public: never hidden for their own sake.
PUBLIC = ("caseworkers", "budget", "population", "scaled")
UNITS = (*COUNTS, *AMOUNTS, *PUBLIC)
TOTAL = "total"
# An indicator row's columns in the model and in marts.indicator_values.
INDICATOR_COLUMNS = {"taeller": "numerator", "naevner": "denominator", "vaerdi": "value"}
INDICATOR_ROWS = {"kommune": "kommunekode", "date": "status_date", "breakdown": "breakdown"}
BREAKDOWN_KEYS = {"sums_to", "columns", "same_as", "sum_of", "times", "of", "counts", "members"}
MEMBERS_KEYS = {"of", "model", "member", "group", "otherwise"}
KEYS = {
    *("counts", "breakdowns", "same_as", "persons", "rows", "year_to_date", "public", "cells_of"),
    *("month_end_mean", "flows", "changes"),
}
CHANGES_KEYS = {"column", "from", "to", "total"}


@dataclass(frozen=True)
class Ref:
    mart: str
    breakdown: str
    value: str | None  # None: every value of the breakdown (a pattern)
    column: str | None = None  # None: the cell's count

    def __str__(self) -> str:
        value = "" if self.breakdown == TOTAL else f"={self.value or '*'}"
        return f"{self.mart} {self.breakdown}{value}{' ' + self.column if self.column else ''}"


@dataclass(frozen=True)
class Breakdown:
    sums_to: Ref | None  # None: its cells overlap and add up to nothing published
    columns: tuple[str, ...]  # the columns that add up
    same_as: tuple[str, ...] = ()  # each cell's count is the same cell's in the first of these
    sum_of: tuple[str, ...] = ()  # each cell is the sum of the same cell of these marts
    times: float | None = None  # each cell's first column is `times` x the `of` cell's
    of: Ref | None = None
    counts: dict = field(default_factory=dict)  # the breakdown's own units, where they differ
    also_sums_to: tuple = ()  # more cells its cells add up to (sums_to: [a list])
    # each cell is the sum of another breakdown's cells whose values are its members (a team of
    # its caseworkers): of, and the model, member and group columns naming who belongs where
    members: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Declaration:
    model: str
    mart: str  # the indicator id of an ind_* model, else the model's name
    path: Path
    public: str = ""  # why a mart counts nobody (then nothing else is declared)
    cells_of: str = ""  # a mart whose rows are other marts' cells (indicator_values: ind_*)
    counts: dict = field(default_factory=dict)  # column -> unit
    breakdowns: dict = field(default_factory=dict)  # name -> Breakdown ('total' included)
    same_as: tuple[tuple[Ref, Ref], ...] = ()
    rows: dict = field(default_factory=dict)  # kommune, date, breakdown -> column (other marts)
    year_to_date: dict = field(default_factory=dict)  # breakdown value -> Ref of its Y-to-date
    # (breakdown, value) -> the cells counting the persons whose amount a cell without a count is
    persons: dict = field(default_factory=dict)
    # column -> the mart whose same cell at the year's month ends it is the mean of (13's APT)
    month_end_mean: dict = field(default_factory=dict)
    # flows in (this mart) and out (`out`) of s's month are the change of a stock since the month
    # end before: (breakdown, value) -> Ref of the stock
    flows_out: str = ""
    stocks: dict = field(default_factory=dict)
    # a waterfall (aendringer): in each breakdown, `from` and the other values add up to `to` in
    # `column`; each value over the breakdowns but `total` adds up to the `total` breakdown's
    changes: dict = field(default_factory=dict)

    @property
    def indicator(self) -> bool:
        """An ind_* mart: its rows are marts.indicator_values' of its indicator."""
        return bool(self.counts) and not self.rows

    def units(self, breakdown: str) -> dict:
        found = self.breakdowns.get(breakdown)
        return {**self.counts, **(found.counts if found else {})}

    def count_column(self, breakdown: str) -> str | None:
        """The column counting the row's persons (the denominator of an average)."""
        units = self.units(breakdown)
        return next((c for c, u in units.items() if u in COUNTS), None)

    def amount_column(self, breakdown: str) -> str | None:
        units = self.units(breakdown)
        return next((c for c, u in units.items() if u in AMOUNTS), None)


def parse_ref(text, mart: str, where: str) -> Ref:
    parts = str(text).split()
    if len(parts) == 1 or (len(parts) == 2 and parts[1] in (*INDICATOR_COLUMNS, "persondage")):
        parts = [mart, *parts]  # the declaring mart's own cell
    if len(parts) not in (2, 3):
        raise ProjectError(f"{where}: {text!r} is not a cell (MART BREAKDOWN[=VALUE] [COLUMN])")
    name, cell = parts[0], parts[1]
    breakdown, _, value = cell.partition("=")
    if breakdown == TOTAL:
        value = TOTAL
    return Ref(name, breakdown, value or None, parts[2] if len(parts) == 3 else None)


def parse(model: str, meta: dict, path: Path) -> Declaration:  # noqa: C901 - one check per key of the declaration
    """A model's declaration from its YAML `meta:`; a ProjectError names the model and the file."""
    where = f"{path}: model {model}: meta.discretion"
    declared = (meta or {}).get("discretion")
    if not isinstance(declared, dict):
        raise ProjectError(
            f"{path}: model {model} has no meta.discretion: a mart must declare whom its cells "
            "count and what they add up to (README, 'Declaring discretion'); it is refused"
        )
    unknown = set(declared) - KEYS
    if unknown:
        raise ProjectError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    vare = (meta or {}).get("varedeklaration") or {}
    mart = str(vare.get("indikator", model)) if model.startswith("ind_") else model
    if declared.get("public"):
        return Declaration(model, mart, path, public=str(declared["public"]))
    if declared.get("cells_of"):
        return Declaration(model, mart, path, cells_of=str(declared["cells_of"]))
    counts = _units(declared.get("counts"), where)
    if not counts:
        raise ProjectError(f"{where}: counts is missing (a column and its unit)")
    breakdowns = {TOTAL: Breakdown(None, ())}
    for name, entry in (declared.get("breakdowns") or {}).items():
        breakdowns[name] = _breakdown(name, entry or {}, mart, counts, f"{where}.{name}")
    same_as = []
    for own, others in (declared.get("same_as") or {}).items():
        for other in others if isinstance(others, list) else [others]:
            same_as.append((parse_ref(own, mart, where), parse_ref(other, mart, where)))
    rows = dict(declared.get("rows") or {})
    if rows and not set(INDICATOR_ROWS) <= set(rows) <= {*INDICATOR_ROWS, "value"}:
        raise ProjectError(f"{where}: rows names kommune, date, breakdown (and value) columns")
    ytd = {
        str(k): parse_ref(v, mart, where) for k, v in (declared.get("year_to_date") or {}).items()
    }
    persons = {}
    for cell, refs in (declared.get("persons") or {}).items():
        own = parse_ref(cell, mart, where)
        refs = refs if isinstance(refs, list) else [refs]
        persons[own.breakdown, own.value] = tuple(parse_ref(r, mart, where) for r in refs)
    means = {str(k): str(v) for k, v in (declared.get("month_end_mean") or {}).items()}
    if set(means) - set(counts):
        raise ProjectError(f"{where}: month_end_mean names a column that counts declares")
    flows = declared.get("flows") or {}
    stocks = _stocks(flows, mart, where)
    changes = dict(declared.get("changes") or {})
    if changes and set(changes) != CHANGES_KEYS:
        raise ProjectError(f"{where}: changes names {', '.join(sorted(CHANGES_KEYS))}")
    return Declaration(
        *(model, mart, path, "", "", counts, breakdowns, tuple(same_as), rows, ytd, persons),
        *(means, str(flows.get("out", "")), stocks, changes),
    )


def _stocks(flows: dict, mart: str, where: str) -> dict:
    if flows and set(flows) != {"out", "stock"}:
        raise ProjectError(f"{where}: flows names out (a mart) and stock (cell: its stock)")
    stocks = {}
    for cell, stock in (flows.get("stock") or {}).items():
        own = parse_ref(cell, mart, where)
        stocks[own.breakdown, own.value] = parse_ref(stock, mart, where)
    return stocks


def _units(declared, where: str) -> dict:
    units = dict(declared or {})
    wrong = {c: u for c, u in units.items() if u not in UNITS}
    if wrong:
        raise ProjectError(f"{where}: units must be one of {', '.join(UNITS)}, not {wrong}")
    return units


def _breakdown(name: str, entry: dict, mart: str, counts: dict, where: str) -> Breakdown:
    unknown = set(entry) - BREAKDOWN_KEYS
    if unknown:
        raise ProjectError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if "sums_to" not in entry:
        raise ProjectError(f"{where}: sums_to is missing (total, nothing or a cell)")
    targets = entry["sums_to"] if isinstance(entry["sums_to"], list) else [entry["sums_to"]]
    refs = [parse_ref(t, mart, where) for t in targets if t not in (None, "nothing")]
    sums_to = refs[0] if refs else None
    own = _units(entry.get("counts"), where)
    units = {**counts, **own}
    additive = [c for c, u in units.items() if u in COUNTS or u in AMOUNTS]
    columns = tuple(entry.get("columns") or additive)
    of = parse_ref(entry["of"], mart, where) if "of" in entry else None
    if ("times" in entry) != (of is not None):
        raise ProjectError(f"{where}: times and of go together")
    members = dict(entry.get("members") or {})
    if members and not {"of", "model", "member", "group"} <= set(members) <= MEMBERS_KEYS:
        raise ProjectError(f"{where}: members names of, model, member, group (and otherwise)")
    return Breakdown(
        sums_to=sums_to,
        columns=columns,
        same_as=tuple(str(m) for m in entry.get("same_as") or ()),
        sum_of=tuple(str(m) for m in entry.get("sum_of") or ()),
        times=float(entry["times"]) if "times" in entry else None,
        of=of,
        counts=own,
        also_sums_to=tuple(refs[1:]),
        members=members,
    )


# The cells of one linked system (a municipality and year) and their relations.


@dataclass(frozen=True)
class Cell:
    mart: str
    date: date
    breakdown: str
    value: str


@dataclass
class Equation:
    """sum(coefficient x cell's column) = 0; `why` names it in the audit's messages."""

    terms: list  # [((Cell, column), coefficient)]
    why: str


class Policy:
    """Every mart's declaration, by mart (indicator id or model name)."""

    def __init__(self, declarations: list[Declaration], protection: float = 1.0):
        self.by_mart = {d.mart: d for d in declarations}
        self.by_model = {d.model: d for d in declarations}
        # the least width of the range a reader can narrow a hidden count to
        self.protection = float(protection)
        # (mart, breakdown) -> {member value: group value}, read from a warehouse (`members`)
        self.groups: dict = {}

    def with_groups(self, con) -> Policy:
        """This policy and who belongs to which group (a caseworker's team), read from the
        warehouse's models that the `members` declarations name."""
        policy = Policy(list(self.by_mart.values()), self.protection)
        tables = dict(
            con.execute(
                "select table_name, schema_name from duckdb_tables() union all "
                "select view_name, schema_name from duckdb_views() where not internal"
            ).fetchall()
        )
        for declaration in self.by_mart.values():
            for name, breakdown in declaration.breakdowns.items():
                found = breakdown.members
                if not found:
                    continue
                if found["model"] not in tables:
                    # Fail closed: without the membership a group's small member is its group
                    # less the others, and neither suppression nor the audit would know it.
                    raise ProjectError(
                        f"{declaration.mart}: members reads {found['model']}, "
                        "which the warehouse does not hold"
                    )
                policy.groups[declaration.mart, name] = dict(
                    con.execute(
                        f'select "{found["member"]}"::varchar, "{found["group"]}"::varchar '
                        f'from "{tables[found["model"]]}"."{found["model"]}"'
                    ).fetchall()
                )
        return policy

    @classmethod
    def of(cls, project) -> Policy:
        marts = [n for n in project.nodes.values() if n.layer == "marts"]
        protection = project.vars.get("discretion_protection", 1)
        return cls([parse(n.name, n.meta, n.yml or n.path) for n in marts], protection)

    def declaration(self, mart: str) -> Declaration | None:
        return self.by_mart.get(mart)


def _resolve(ref: Ref, day: date, value: str | None, cells: dict, policy: Policy):
    """(Cell, column) of a reference at a status date, or None where the cell is not published."""
    cell = Cell(ref.mart, day, ref.breakdown, ref.value or value)
    if cell not in cells:
        return None
    declaration = policy.declaration(ref.mart)
    column = ref.column or (declaration.count_column(ref.breakdown) if declaration else None)
    return (cell, column) if column else None


def equations(cells: dict, policy: Policy) -> list[Equation]:
    """The relations the declarations give between the cells of one linked system (a municipality
    and a year). `cells` maps Cell -> {column: figure}."""
    found = []
    by_table = {}
    for cell in cells:
        by_table.setdefault((cell.mart, cell.date, cell.breakdown), []).append(cell)
    dates = sorted(
        {
            c.date
            for c in cells
            if policy.declaration(c.mart) and policy.declaration(c.mart).indicator
        }
    )
    found += _breakdowns(by_table, cells, policy)
    for declaration in policy.by_mart.values():
        for own, other in declaration.same_as:
            for day in dates:
                a = _resolve(own, day, None, cells, policy)
                b = _resolve(other, day, None, cells, policy)
                if a and b:
                    found.append(Equation([(a, 1.0), (b, -1.0)], f"{own} is {other}"))
        found += _year_to_date(declaration, cells, dates, policy)
        found += _month_end_means(declaration, cells, dates, policy)
        found += _flows(declaration, cells, dates, policy)
        found += _changes(declaration, cells)
    return found


def _changes(declaration: Declaration, cells: dict) -> list[Equation]:
    """A waterfall: from + the causes = to in each breakdown (an area); a cause over the areas
    adds up to the total's (where no grant lies outside every area: protected as if none did)."""
    spec = declaration.changes
    if not spec:
        return []
    found, tables, values = [], {}, {}
    for cell in cells:
        if cell.mart == declaration.mart:
            tables.setdefault((cell.date, cell.breakdown), {})[cell.value] = cell
            values.setdefault((cell.date, cell.value), {})[cell.breakdown] = cell
    column = spec["column"]
    for (_, area), table in sorted(tables.items(), key=str):
        if spec["from"] in table and spec["to"] in table:
            terms = [((c, column), -1.0 if v == spec["to"] else 1.0) for v, c in table.items()]
            found.append(Equation(terms, f"{declaration.mart} {area}: {spec['from']} and the "
                                  f"causes add up to {spec['to']}"))  # fmt: skip
    additive = [c for c, u in declaration.counts.items() if u in COUNTS or u in AMOUNTS]
    for (_, value), areas in sorted(values.items(), key=str):
        total = areas.get(spec["total"])
        parts = [c for area, c in areas.items() if area != spec["total"]]
        if total is None or not parts:
            continue
        for col in additive:
            terms = [((c, col), 1.0) for c in parts] + [((total, col), -1.0)]
            found.append(
                Equation(terms, f"{declaration.mart} {value} over the areas is the total's")
            )
    return found


def _flows(declaration: Declaration, cells: dict, dates: list, policy) -> list[Equation]:
    """Who came less who went in s's month is the change of the persons on s since the month end
    before (where nobody came and went within the month): F1 - F2 = stock(s) - stock(e). January's
    month end before lies in the year before, another linked system."""
    found = []
    for (breakdown, value), stock in declaration.stocks.items():
        for day in dates:
            before = date.fromordinal(day.replace(day=1).toordinal() - 1)
            came = _resolve(Ref(declaration.mart, breakdown, value), day, None, cells, policy)
            went = _resolve(Ref(declaration.flows_out, breakdown, value), day, None, cells, policy)
            now = _resolve(stock, day, None, cells, policy)
            then = _resolve(stock, before, None, cells, policy)
            if came and went and now and then:
                terms = [(came, 1.0), (went, -1.0), (now, -1.0), (then, 1.0)]
                found.append(
                    Equation(
                        terms, f"{declaration.mart} - {declaration.flows_out} is {stock}'s change"
                    )
                )
    return found


def _breakdowns(by_table: dict, cells: dict, policy: Policy) -> list[Equation]:
    """Each breakdown's cells against what they add up to, and each cell's links (twins, sums of
    other marts' cells, a multiple of another cell)."""
    found = []
    for (mart, _, name), members in sorted(by_table.items(), key=str):
        declaration = policy.declaration(mart)
        breakdown = declaration.breakdowns.get(name) if declaration else None
        if breakdown is None:
            continue
        for target in (breakdown.sums_to, *breakdown.also_sums_to):
            if target is not None:
                found += _sums(
                    mart, name, members, replace(breakdown, sums_to=target), cells, policy
                )
        if breakdown.members:
            found += _groups(mart, name, members, breakdown, by_table, cells, policy)
        for cell in members:
            found += _cell_links(cell, breakdown, declaration, cells, policy)
    return found


def _groups(mart, name, members, breakdown: Breakdown, by_table, cells, policy) -> list:
    """A group's cell (a team's persons) is the sum of its members' cells (its caseworkers')."""
    belongs = policy.groups.get((mart, name))
    if belongs is None:
        return []
    found, day, of = [], members[0].date, breakdown.members["of"]
    otherwise = breakdown.members.get("otherwise")
    parts = {}
    for cell in by_table.get((mart, day, of), []):
        parts.setdefault(belongs.get(cell.value, otherwise), []).append(cell)
    for cell in members:
        for column in breakdown.columns:
            terms = [((cell, column), 1.0)] + [
                ((c, column), -1.0) for c in parts.get(cell.value, [])
            ]
            found.append(Equation(terms, f"{mart} {name}={cell.value} is its {of}s'"))
    return found


def _month_end_means(declaration: Declaration, cells: dict, dates: list, policy) -> list[Equation]:
    """A mean of another mart's month ends (13's denominator, APT): k x the cell's column = the
    sum of the other mart's same cell at each of the k status dates of the year up to its own."""
    found = []
    for column, other in declaration.month_end_mean.items():
        for cell in [c for c in cells if c.mart == declaration.mart]:
            upto = [d for d in dates if d.year == cell.date.year and d <= cell.date]
            twins = [_resolve(Ref(other, cell.breakdown, cell.value), d, None, cells, policy)
                     for d in upto]  # fmt: skip
            if upto and all(twins):
                terms = [(twin, 1.0) for twin in twins] + [((cell, column), -float(len(upto)))]
                found.append(Equation(terms, f"{cell} {column} is the mean of {other}'s"))
    return found


def _sums(mart, name, members, breakdown: Breakdown, cells, policy) -> list[Equation]:
    """A breakdown's cells add up to a cell; to a breakdown without a value (`sagsbehandler`),
    each group of cells whose values end in ':X' adds up to that breakdown's cell X (10's
    paragraf:sagsbehandler cells 107:S12, 108:S12 to sagsbehandler S12)."""
    ref, found = breakdown.sums_to, []
    groups = {ref.value: members} if ref.value is not None else {}
    if ref.value is None:
        for cell in members:
            groups.setdefault(cell.value.rpartition(":")[2], []).append(cell)
    day = members[0].date
    for value, parts in groups.items():
        for column in breakdown.columns:
            # within a mart the same column adds up; into another mart's cell, its count
            own = Ref(ref.mart, ref.breakdown, value, ref.column or column)
            target = _resolve(
                own if ref.mart == mart else replace(ref, value=value), day, None, cells, policy
            )
            if target is None:
                continue
            terms = [((c, column), 1.0) for c in parts] + [(target, -1.0)]
            found.append(Equation(terms, f"{mart} {name} adds up to {ref}"))
    return found


def _cell_links(cell: Cell, breakdown: Breakdown, declaration, cells, policy) -> list[Equation]:
    found = []
    column = declaration.count_column(cell.breakdown)
    for mart in breakdown.same_as:
        other = _resolve(Ref(mart, cell.breakdown, cell.value), cell.date, None, cells, policy)
        if other and column:
            found.append(
                Equation(
                    [((cell, column), 1.0), (other, -1.0)],
                    f"{cell.mart} {cell.breakdown}={cell.value} is {mart}'s",
                )
            )
            break
    if breakdown.sum_of:
        for col in breakdown.columns:
            parts = [Cell(m, cell.date, cell.breakdown, cell.value) for m in breakdown.sum_of]
            parts = [p for p in parts if p in cells]
            if parts:
                terms = [((cell, col), 1.0)] + [((p, col), -1.0) for p in parts]
                found.append(
                    Equation(
                        terms,
                        f"{cell.mart} {cell.breakdown} is the sum of {', '.join(breakdown.sum_of)}",
                    )
                )
    if breakdown.of is not None:
        source = _resolve(breakdown.of, cell.date, None, cells, policy)
        first = next(iter(declaration.units(cell.breakdown)))
        if source:
            found.append(
                Equation(
                    [((cell, first), 1.0), (source, -breakdown.times)],
                    f"{cell.mart} {cell.breakdown} is {breakdown.times:g} x {breakdown.of}",
                )
            )
    return found


def _year_to_date(declaration: Declaration, cells: dict, dates: list, policy) -> list[Equation]:
    """Sum over the months of Y up to s of a monthly figure = D(s) x the Y-to-date figure at s."""
    found = []
    column = next((c for c, u in declaration.counts.items() if u == "person_days"), None)
    for value, ref in declaration.year_to_date.items():
        months = [c for c in cells if c.mart == declaration.mart and c.breakdown == value]
        for day in dates:
            target = _resolve(ref, day, None, cells, policy)
            upto = [m for m in months if m.date <= day]
            if target is None or not upto or column is None:
                continue
            days = (day - date(day.year, 1, 1)).days + 1
            terms = [((m, column), 1.0) for m in upto] + [(target, -float(days))]
            found.append(
                Equation(terms, f"{declaration.mart} {value} to {day} is {ref} x {days} days")
            )
    return found
