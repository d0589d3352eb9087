"""Loading the project: the project file, models with their YAML, macros, seeds and sources."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import discretion_policy
from . import sources as contract
from .errors import ProjectError

PROJECT_FILE = "lis_project.yml"
SEVERITIES = ("error", "warn")
SEEDS_DOCS = "seeds/_seeds.yml"
# DuckDB 1.4 (the LTS line, DBeaver's driver) reads storage versions up to v1.4.0; the warehouse
# needs nothing newer (../shared/notes/duckdb-storage.md).
DEFAULT_STORAGE_VERSION = "v1.4.0"


@dataclass(frozen=True)
class Expectation:
    """One expectation on a relation: as declared in a model's YAML (an unexpected_rows_query
    with its refs unrendered), or as the gate runs it (Compiler.expectations renders them)."""

    model: str  # qualified relation, e.g. "staging.stg_ydelser"
    type: str  # GE snake_case name, e.g. "expect_column_values_to_not_be_null"
    kwargs: dict  # GE kwargs; an unexpected_rows_query names the table as {batch}
    severity: str = "error"  # "error" stops the build, "warn" is logged and recorded
    description: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ProjectError(
                f"{self.model}: {self.type}: severity must be error or warn, not {self.severity!r}"
            )


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
    # the YAML entry's `meta:` (the varedeklaration, the discretion declaration) and its file
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    yml: Path | None = None

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
    storage_version: str = DEFAULT_STORAGE_VERSION
    seed_docs: dict = field(default_factory=dict)  # seed name -> its entry in seeds/_seeds.yml
    # relation (schema.name) -> {"description", "columns"} of the tables the runner writes itself
    table_docs: dict = field(default_factory=dict)
    export_column_names: dict = field(default_factory=dict)  # a mart column -> its export name
    export_labels: dict = field(default_factory=dict)  # an export column -> its XLSX header
    duckdb_settings: dict = field(default_factory=dict)  # lis_project.yml's `duckdb:`

    def duckdb_config(self, warehouse: Path) -> dict:
        """The build connection's DuckDB settings (lis_project.yml's `duckdb:`, but threads, which
        is set after connecting); a relative temp_directory (the spill folder) is taken as beside
        the warehouse."""
        config = {k: str(v) for k, v in self.duckdb_settings.items() if k != "threads"}
        if "temp_directory" in config:
            config["temp_directory"] = str(warehouse.parent / config["temp_directory"])
        return {**config, "storage_compatibility_version": self.storage_version}

    def source_tables(self, source: str = "extracts") -> list[dict]:
        return self.sources[source]["tables"]


def find_root(named: Path | None = None) -> Path:
    """The folder holding lis_project.yml: the one named (--project), else $LIS_PROJECT_DIR, else
    the current folder or a parent, else the installed checkout. A named folder that holds no
    lis_project.yml is an error, never a reason to build another project."""
    if named is None and os.environ.get("LIS_PROJECT_DIR"):
        named = Path(os.environ["LIS_PROJECT_DIR"])
        where = "LIS_PROJECT_DIR"
    else:
        where = "--project"
    if named is not None:
        if not (named / PROJECT_FILE).is_file():
            raise ProjectError(f"{where} {named}: no {PROJECT_FILE} in {named.resolve()}")
        return named
    here = Path.cwd().resolve()
    for folder in (here, *here.parents, Path(__file__).resolve().parent.parent):
        if (folder / PROJECT_FILE).is_file():
            return folder
    raise ProjectError(f"no {PROJECT_FILE} found in {here} or its parents")


# libyaml's safe loader where PyYAML has it: the pure-Python one took most of an unchanged rebuild.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as error:
        raise ProjectError(f"{path}: invalid YAML: {str(error).splitlines()[0]}") from error


def _expectations(relation: str, path: Path, declared: list) -> tuple:
    specs = []
    for item in declared or []:
        if not isinstance(item, dict) or len(item) != 1:
            raise ProjectError(
                f"{path}: model {relation}: an expectation must be a one-key mapping, got {item!r}"
            )
        ((kind, kwargs),) = item.items()
        kwargs = dict(kwargs or {})
        severity, description = kwargs.pop("severity", "error"), kwargs.pop("description", "")
        try:
            specs.append(Expectation(relation, kind, kwargs, severity, description))
        except ProjectError as error:
            raise ProjectError(f"{path}: model {error}") from None
    return tuple(specs)


def _model_docs(yaml_files: dict[Path, dict]) -> dict:
    """Model name -> its YAML entry, from every .yml beside the SQL (sources.yml excluded). An
    entry with `shape: NAME` starts from the `shapes:` entry NAME of its file: the columns and
    expectations that models of one shape share, written once."""
    docs = {}
    for path, content in yaml_files.items():
        shapes = content.get("shapes") or {}
        for entry in content.get("models", []) or []:
            if entry.get("name") in docs:
                raise ProjectError(f"{path}: model {entry['name']} is described twice")
            docs[entry["name"]] = {**_with_shape(entry, shapes, path), "_yml": path}
    return docs


def _with_shape(entry: dict, shapes: dict, path: Path) -> dict:
    if "shape" not in entry:
        return entry
    shape = shapes.get(entry["shape"])
    if shape is None:
        raise ProjectError(f"{path}: model {entry['name']}: no shape {entry['shape']!r} in shapes:")
    return {
        **entry,
        "columns": [*(shape.get("columns") or []), *(entry.get("columns") or [])],
        "expectations": [*(shape.get("expectations") or []), *(entry.get("expectations") or [])],
    }


def _seed_docs(root: Path, seeds: dict) -> dict:
    path = root / SEEDS_DOCS
    docs = {}
    for entry in (_read_yaml(path).get("seeds", []) or []) if path.is_file() else []:
        if entry.get("name") not in seeds:
            raise ProjectError(f"{path}: describes seed {entry.get('name')}, which has no .csv")
        docs[entry["name"]] = entry
    return docs


def _table_docs(yaml_files: dict[Path, dict]) -> dict:
    """The `tables:` of any YAML under models/: tables the runner writes, by relation."""
    docs = {}
    for path, content in yaml_files.items():
        for entry in content.get("tables", []) or []:
            if not entry.get("schema") or not entry.get("name"):
                raise ProjectError(f"{path}: a table needs a name and a schema, got {entry!r}")
            docs[f"{entry['schema']}.{entry['name']}"] = entry
    return docs


def _storage_version(config: dict, path: Path) -> str:
    version = str(config.get("storage_version", DEFAULT_STORAGE_VERSION))
    if version != "latest" and not re.fullmatch(r"v\d+\.\d+\.\d+", version):
        raise ProjectError(
            f"{path}: storage_version must be a DuckDB version such as v1.4.0, or latest; "
            f"got {version!r}"
        )
    return version


def _config_defaults(config: dict, model: str) -> dict:
    """The project file's model_defaults matching 'layer/name' (dbt's +materialized by folder),
    later entries winning; a model's own `config:` in its YAML wins over all of them."""
    found = {}
    for entry in config.get("model_defaults") or []:
        pattern = entry.get("match", "")
        if fnmatch.fnmatchcase(model, pattern):
            found.update({k: v for k, v in entry.items() if k != "match"})
    return found


def load_project(root: Path | None = None) -> Project:
    root = (root or find_root()).resolve()
    config = _read_yaml(root / PROJECT_FILE)
    layers = tuple(config.get("layers") or ())
    if not layers:
        raise ProjectError(f"{root / PROJECT_FILE}: 'layers' is missing")
    models_dir = root / "models"
    # each read once: the models' entries, the sources and the runner's tables share the files
    yaml_files = {path: _read_yaml(path) for path in sorted(models_dir.rglob("*.yml"))}
    docs = _model_docs(yaml_files)
    nodes = {}
    for layer in layers:
        for path in sorted((models_dir / layer).glob("*.sql")):
            name = path.stem
            if name in nodes:
                raise ProjectError(
                    f"{path}: a model named {name} exists already at {nodes[name].path}"
                )
            doc = docs.pop(name, {})
            cfg = {**_config_defaults(config, f"{layer}/{name}"), **(doc.get("config") or {})}
            schema = cfg.get("schema", layer)
            nodes[name] = Node(
                name=name,
                layer=layer,
                schema=schema,
                path=path,
                raw_sql=path.read_text(encoding="utf-8"),
                materialized=cfg.get("materialized", "table"),
                description=(doc.get("description") or "").strip(),
                columns=tuple(doc.get("columns") or ()),
                expectations=_expectations(
                    f"{schema}.{name}", doc.get("_yml", path), doc.get("expectations")
                ),
                meta=dict(doc.get("meta") or {}),
                yml=doc.get("_yml"),
            )
            if layer == "marts":
                # Fail closed: a mart (what reports and discreet exports show) declares discretion.
                discretion_policy.parse(name, doc.get("meta") or {}, doc.get("_yml", path))
    for name, doc in docs.items():
        raise ProjectError(f"{doc['_yml']}: describes model {name}, which has no .sql file")
    sources = {}
    sources_file = models_dir / "sources.yml"
    if sources_file.is_file():
        for source in yaml_files[sources_file].get("sources", []):
            if source["name"] == "extracts":  # the input contract; other sources are lis's own
                contract.check(sources_file, source.get("tables") or [])
            sources[source["name"]] = source
    seeds = {p.stem: p for p in sorted((root / "seeds").glob("*.csv"))}
    export = config.get("export") or {}
    return Project(
        root=root,
        name=config.get("name", root.name),
        layers=layers,
        vars=dict(config.get("vars") or {}),
        warehouse=root / config.get("warehouse", "warehouse/lis.duckdb"),
        nodes=nodes,
        seeds=seeds,
        macro_paths=tuple(sorted((root / "macros").glob("*.sql"))),
        sources=sources,
        extract_overrides=dict(config.get("extracts") or {}),
        storage_version=_storage_version(config, root / PROJECT_FILE),
        seed_docs=_seed_docs(root, seeds),
        table_docs=_table_docs(yaml_files),
        export_column_names=dict(export.get("column_names") or {}),
        export_labels=dict(export.get("labels") or {}),
        duckdb_settings=dict(config.get("duckdb") or {}),
    )
