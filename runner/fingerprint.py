"""Fingerprints of what a publication is built from: extracts, seeds, the project file, models as
compiled for the run, the run's variables with the library versions, and the runner's own code.

Contents are hashed, never mtimes, so a copied or touched file is still recognised as unchanged.
Models are hashed as rendered SQL (as SQLMesh does), so an edit to a macro file that changes no
model (a comment, an unused macro) does not force a rebuild. Rendering every model takes most of
an unchanged rebuild, so it is skipped when the files it renders from are those of the
publication (`model_sources`): then the publication's rendered hash is still the right one.

The runner's code is hashed whole (every file of the `runner` package): the version of `lis`
stays 0.1.0 through changes to the loader or the gates that change the output, so any edit to
the runner forces a rebuild, also one that changes no output (the command line, say).
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from .compile import Compiler
from .extract_files import extract_files
from .project import PROJECT_FILE, Project

_CHUNK = 1 << 20
# The libraries the output depends on; the runner's own code is hashed as files (CODE).
_PACKAGES = ("duckdb", "great-expectations", "sqlglot")
CODE = Path(__file__).resolve().parent
# Not a fingerprint of the output: the inputs of the models' rendering (see the module's text).
MODEL_SOURCES = "model_sources"


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=16)


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = _digest()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def _hash_models(project: Project, public_vars: dict) -> str:
    """Each model's rendered SQL and configuration, and the YAML (expectations, descriptions)."""
    compiler = Compiler(project, public_vars)
    digest = _digest()
    for name, node in sorted(project.nodes.items()):
        sql, _ = compiler.render(node.raw_sql, name)
        digest.update(f"{node.relation}\0{node.materialized}\0{sql}\0".encode())
    yaml_files = [
        *project.root.joinpath("models").rglob("*.yml"),
        *project.root.joinpath("seeds").glob("*.yml"),
    ]
    digest.update(_hash_files(yaml_files, project.root).encode())
    return digest.hexdigest()


def compute(
    project: Project, extracts_dir: Path, run_vars: dict, published: dict | None = None
) -> dict[str, str]:
    """The run's fingerprints; `published` (the publication's) spares rendering the models when
    their sources are unchanged."""
    # The pseudonym key stays out: a stored hash of it could be brute-forced offline. Person keys
    # live only in staging and intermediate, so a new key needs --full-refresh to show there.
    public_vars = {**run_vars, "pseudonym_key": "<not fingerprinted>"}
    versions = [(package, metadata.version(package)) for package in _PACKAGES]
    settings = sorted((k, v) for k, v in run_vars.items() if k != "pseudonym_key") + versions
    names = [table["name"] for table in project.source_tables()]
    files = [path for paths in extract_files(extracts_dir, names).values() for path in paths]
    code = [p for p in CODE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    found = {
        "extracts": _hash_files(files, extracts_dir),
        "seeds": _hash_files(list(project.seeds.values()), project.root),
        "project": _hash_files([project.root / PROJECT_FILE], project.root),
        "vars": _digest_of(repr(settings)),
        "code": _hash_files(code, CODE),
    }
    sources = _model_sources(project, found)
    if published and published.get(MODEL_SOURCES) == sources and "models" in published:
        found["models"] = published["models"]
    else:
        found["models"] = _hash_models(project, public_vars)
    return {**found, MODEL_SOURCES: sources}


def _model_sources(project: Project, found: dict[str, str]) -> str:
    """What rendering the models reads: their SQL and YAML, the macros, the seeds (seed_values),
    the project file (configuration, vars), the run's variables and the runner's code."""
    paths = [node.path for node in project.nodes.values()]
    paths += [*project.macro_paths, *project.root.joinpath("models").rglob("*.yml")]
    paths += project.root.joinpath("seeds").glob("*.yml")
    digest = _digest()
    digest.update(_hash_files(paths, project.root).encode())
    for kind in ("seeds", "project", "vars", "code"):
        digest.update(f"{kind}\0{found[kind]}\0".encode())
    return digest.hexdigest()


def same_output(run: dict[str, str], published: dict[str, str] | None) -> bool:
    """Whether a run would build what is published: every fingerprint equal but model_sources
    (an edit that changes no rendered model leaves the output as it is)."""

    def output(prints: dict[str, str]) -> dict[str, str]:
        return {kind: value for kind, value in prints.items() if kind != MODEL_SOURCES}

    return published is not None and output(run) == output(published)


def _digest_of(text: str) -> str:
    digest = _digest()
    digest.update(text.encode())
    return digest.hexdigest()
