"""Loading the project: the project file, models with their YAML, macros, seeds and sources."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ProjectError

PROJECT_FILE = "lis_project.yml"
SEVERITIES = ("error", "warn")


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation as declared in a model's YAML, before its query is rendered."""

    type: str
    kwargs: dict
    severity: str = "error"
    description: str = ""


@dataclass(frozen=True)
class Node:
    """A model: immutable; compiling returns a copy with the SQL and dependencies filled in."""

    name: str
    layer: str
    schema: str
    path: Path
    raw_sql: str
    materialized: str = "table"
    description: str = ""
    columns: tuple = ()
    expectations: tuple = ()
    compiled_sql: str = ""
    depends_on: frozenset = frozenset()

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    layers: tuple
    vars: dict
    warehouse: Path
    nodes: dict  # name -> Node
    seeds: dict  # name -> Path
    macro_paths: tuple
    sources: dict  # source name -> {"schema": str, "tables": [dict]}
    extract_overrides: dict = field(default_factory=dict)
    duckdb_settings: dict = field(default_factory=dict)

    def duckdb_config(self, warehouse: Path) -> dict:
        """The build connection's DuckDB settings (lis_project.yml's `duckdb:`); a relative
        temp_directory (the spill folder) is taken as beside the warehouse."""
        config = {key: str(value) for key, value in self.duckdb_settings.items()}
        if "temp_directory" in config:
            config["temp_directory"] = str(warehouse.parent / config["temp_directory"])
        return config

    def source_tables(self, source: str = "extracts") -> list[dict]:
        return self.sources[source]["tables"]


def find_root(start: Path | None = None) -> Path:
    """The folder holding lis_project.yml: $LIS_PROJECT_DIR, the current folder or a parent, or the installed checkout."""
    candidates = []
    if os.environ.get("LIS_PROJECT_DIR"):
        candidates.append(Path(os.environ["LIS_PROJECT_DIR"]))
    here = (start or Path.cwd()).resolve()
    candidates += [here, *here.parents, Path(__file__).resolve().parent.parent]
    for folder in candidates:
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise ProjectError(f"no {PROJECT_FILE} found in {here} or its parents")


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ProjectError(f"{path}: invalid YAML: {str(error).splitlines()[0]}") from error


def _expectations(model: str, path: Path, declared: list) -> tuple:
    specs = []
    for item in declared or []:
        if not isinstance(item, dict) or len(item) != 1:
            raise ProjectError(
                f"{path}: model {model}: an expectation must be a one-key mapping, got {item!r}"
            )
        ((kind, kwargs),) = item.items()
        kwargs = dict(kwargs or {})
        severity = kwargs.pop("severity", "error")
        if severity not in SEVERITIES:
            raise ProjectError(
                f"{path}: model {model}: {kind}: severity must be error or warn, not {severity!r}"
            )
        specs.append(ExpectationSpec(kind, kwargs, severity, kwargs.pop("description", "")))
    return tuple(specs)


def _model_docs(models_dir: Path) -> dict:
    """Model name -> its YAML entry, from every .yml beside the SQL (sources.yml excluded)."""
    docs = {}
    for path in sorted(models_dir.rglob("*.yml")):
        for entry in _read_yaml(path).get("models", []) or []:
            if entry.get("name") in docs:
                raise ProjectError(f"{path}: model {entry['name']} is described twice")
            docs[entry["name"]] = {**entry, "_yml": path}
    return docs


def load_project(root: Path | None = None) -> Project:
    root = (root or find_root()).resolve()
    config = _read_yaml(root / PROJECT_FILE)
    layers = tuple(config.get("layers") or ())
    if not layers:
        raise ProjectError(f"{root / PROJECT_FILE}: 'layers' is missing")
    models_dir = root / "models"
    docs = _model_docs(models_dir)
    nodes = {}
    for layer in layers:
        for path in sorted((models_dir / layer).glob("*.sql")):
            name = path.stem
            if name in nodes:
                raise ProjectError(
                    f"{path}: a model named {name} exists already at {nodes[name].path}"
                )
            doc = docs.pop(name, {})
            cfg = doc.get("config") or {}
            nodes[name] = Node(
                name=name,
                layer=layer,
                schema=cfg.get("schema", layer),
                path=path,
                raw_sql=path.read_text(encoding="utf-8"),
                materialized=cfg.get("materialized", "table"),
                description=(doc.get("description") or "").strip(),
                columns=tuple(doc.get("columns") or ()),
                expectations=_expectations(name, doc.get("_yml", path), doc.get("expectations")),
            )
    for name, doc in docs.items():
        raise ProjectError(f"{doc['_yml']}: describes model {name}, which has no .sql file")
    sources = {}
    sources_file = models_dir / "sources.yml"
    if sources_file.is_file():
        for source in _read_yaml(sources_file).get("sources", []):
            sources[source["name"]] = source
    return Project(
        root=root,
        name=config.get("name", root.name),
        layers=layers,
        vars=dict(config.get("vars") or {}),
        warehouse=root / config.get("warehouse", "warehouse/lis.duckdb"),
        nodes=nodes,
        seeds={p.stem: p for p in sorted((root / "seeds").glob("*.csv"))},
        macro_paths=tuple(sorted((root / "macros").glob("*.sql"))),
        sources=sources,
        extract_overrides=dict(config.get("extracts") or {}),
        duckdb_settings=dict(config.get("duckdb") or {}),
    )
