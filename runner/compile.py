"""Compiling models: Jinja templating (ref, source, var, macros), then a sqlglot check of every table read."""

from __future__ import annotations

from dataclasses import replace

import jinja2
import sqlglot
from sqlglot import exp

from .errors import CompileError
from .project import Node, Project
from .varedeklaration import entries as varedeklaration

SEED_SCHEMA = "seeds"
_MISSING = object()


class Compiler:
    """Renders models of one project with one set of variables (the project's, plus the run's)."""

    def __init__(self, project: Project, run_vars: dict | None = None):
        self.project = project
        self.vars = {**project.vars, **(run_vars or {})}
        self.env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self.env.globals.update(var=self._var, ref=self._ref, source=self._source)
        # The indicators' varedeklaration from their YAML, for the model that publishes it.
        self.env.globals["varedeklaration"] = lambda: varedeklaration(project)
        self._where, self._refs = "", set()
        self._load_macros()

    def _var(self, name: str, default=_MISSING):
        if name in self.vars:
            return self.vars[name]
        if default is _MISSING:
            raise CompileError(
                f"{self._where}: var('{name}') is not defined in lis_project.yml or by the run"
            )
        return default

    def _load_macros(self) -> None:
        # One template for all macro files, so that macros can call each other.
        source = "\n".join(p.read_text(encoding="utf-8") for p in self.project.macro_paths)
        try:
            module = self.env.from_string(source).module
        except jinja2.TemplateError as error:
            raise CompileError(f"macros/: {error}") from error
        self.env.globals.update(
            {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
        )

    def known_relations(self) -> set[str]:
        relations = {node.relation for node in self.project.nodes.values()}
        relations |= {f"{SEED_SCHEMA}.{name}" for name in self.project.seeds}
        for source in self.project.sources.values():
            relations |= {f"{source['schema']}.{t['name']}" for t in source["tables"]}
        return relations

    def render(self, text: str, where: str) -> tuple[str, set[str]]:
        """Render a template; return the SQL and the models it refs (also through macros)."""
        self._where, self._refs = where, set()
        try:
            sql = self.env.from_string(text).render()
        except jinja2.TemplateSyntaxError as error:
            raise CompileError(f"{where}:{error.lineno}: {error.message}") from error
        except jinja2.UndefinedError as error:
            raise CompileError(f"{where}: {error.message}") from error
        return sql, self._refs

    def _ref(self, name: str) -> str:
        if name in self.project.nodes:
            self._refs.add(name)
            return self.project.nodes[name].relation
        if name in self.project.seeds:
            return f"{SEED_SCHEMA}.{name}"
        raise CompileError(f"{self._where}: ref('{name}') names no model or seed")

    def _source(self, source_name: str, table: str) -> str:
        src = self.project.sources.get(source_name)
        if not src or table not in {t["name"] for t in src["tables"]}:
            raise CompileError(
                f"{self._where}: source('{source_name}', '{table}') is not declared in models/sources.yml"
            )
        return f"{src['schema']}.{table}"

    def compile_node(self, node: Node) -> Node:
        where = str(node.path.relative_to(self.project.root))
        sql, refs = self.render(node.raw_sql, where)
        check_tables(sql, where, self.known_relations())
        return replace(node, compiled_sql=sql, depends_on=frozenset(refs))

    def compile_all(self) -> dict[str, Node]:
        return {name: self.compile_node(node) for name, node in self.project.nodes.items()}


def check_tables(sql: str, where: str, known: set[str]) -> set[str]:
    """Parse the compiled SQL; fail on a syntax error or on any table that is not a model, seed or source."""
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError as error:
        first = error.errors[0] if error.errors else {}
        line = first.get("line", "?")
        raise CompileError(
            f"{where}: line {line} of the compiled SQL: {first.get('description', error)}"
        ) from error
    tables: set[str] = set()
    for statement in statements:
        if statement is None:
            continue
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        for table in statement.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier):
                continue  # a table function such as range() or generate_series()
            name = table.name.lower()
            qualified = f"{table.db.lower()}.{name}" if table.db else name
            if not table.db and name in ctes:
                continue
            if qualified not in known:
                raise CompileError(
                    f"{where}: reads table '{qualified}', which no model, seed or source provides (use ref() or source())"
                )
            tables.add(qualified)
    return tables
