"""Fingerprints of what a publication is built from: extracts, seeds, models, code and status date.

Contents are hashed, never mtimes, so a copied or touched file is still recognised as unchanged.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from .project import PROJECT_FILE, Project

_CHUNK = 1 << 20


def _hash_files(paths: list[Path], root: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def extract_files(extracts_dir: Path, project: Project) -> list[Path]:
    names = [t["name"] for t in project.source_tables()]
    return [
        p
        for p in extracts_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in (".csv", ".parquet", ".xlsx")
        and p.name.lower().startswith(tuple(names))
    ]


def compute(project: Project, extracts_dir: Path, run_vars: dict) -> dict[str, str]:
    root = project.root
    models = [
        *root.joinpath("models").rglob("*.sql"),
        *root.joinpath("models").rglob("*.yml"),
        *root.joinpath("seeds").glob("*.yml"),
        *project.macro_paths,
        root / PROJECT_FILE,
    ]
    code = list(Path(__file__).parent.glob("*.py"))
    # The pseudonym key stays out: a stored hash of it could be brute-forced offline. Person keys
    # live only in staging and intermediate, so a new key needs --full-refresh to show there.
    public = sorted((k, v) for k, v in run_vars.items() if k != "pseudonym_key")
    public += [
        (package, metadata.version(package))
        for package in ("duckdb", "great-expectations", "sqlglot")
    ]
    variables = hashlib.blake2b(repr(public).encode(), digest_size=16).hexdigest()
    return {
        "extracts": _hash_files(extract_files(extracts_dir, project), extracts_dir),
        "seeds": _hash_files(list(project.seeds.values()), root),
        "models": _hash_files(models, root),
        "code": _hash_files(code, Path(__file__).parent),
        "vars": variables,
    }
