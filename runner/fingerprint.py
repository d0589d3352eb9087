"""Fingerprints of what a publication is built from: extracts, seeds, models as compiled for the
run, and the run's variables with the library versions.

Contents are hashed, never mtimes, so a copied or touched file is still recognised as unchanged.
Models are hashed as rendered SQL (as SQLMesh does), so a change to a macro counts where it is
used, and editing runner code that does not shape the output (the generator, the command line,
the progress display) does not force a rebuild.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from .compile import Compiler
from .extracts import extract_files
from .project import PROJECT_FILE, Project

_CHUNK = 1 << 20
# What the output depends on besides the project's own files: the loader is versioned with lis.
_PACKAGES = ("lis", "duckdb", "great-expectations", "sqlglot")


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


def compute(project: Project, extracts_dir: Path, run_vars: dict) -> dict[str, str]:
    # The pseudonym key stays out: a stored hash of it could be brute-forced offline. Person keys
    # live only in staging and intermediate, so a new key needs --full-refresh to show there.
    public_vars = {**run_vars, "pseudonym_key": "<not fingerprinted>"}
    versions = [(package, metadata.version(package)) for package in _PACKAGES]
    settings = sorted((k, v) for k, v in run_vars.items() if k != "pseudonym_key") + versions
    names = [table["name"] for table in project.source_tables()]
    files = [path for paths in extract_files(extracts_dir, names).values() for path in paths]
    return {
        "extracts": _hash_files(files, extracts_dir),
        "seeds": _hash_files(list(project.seeds.values()), project.root),
        "models": _hash_models(project, public_vars),
        "project": _hash_files([project.root / PROJECT_FILE], project.root),
        "vars": _digest_of(repr(settings)),
    }


def _digest_of(text: str) -> str:
    digest = _digest()
    digest.update(text.encode())
    return digest.hexdigest()
