"""Write tiny projects into a folder, for tests of loading, compiling and planning."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_project(
    root: Path,
    models: dict[str, str],
    yml: dict | None = None,
    layers=("staging", "intermediate", "marts"),
    macros: str = "",
    seeds: dict | None = None,
) -> Path:
    """models maps 'layer/name' to SQL; yml maps a layer to its models YAML entries. A marts model
    that yml does not describe is declared to count nobody (a project refuses a mart without a
    discretion declaration); describe it in yml to test that."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "lis_project.yml").write_text(
        yaml.safe_dump({"name": "tiny", "layers": list(layers), "vars": {"x": 7}})
    )
    for key, sql in models.items():
        layer, name = key.split("/")
        (root / "models" / layer).mkdir(parents=True, exist_ok=True)
        (root / "models" / layer / f"{name}.sql").write_text(sql)
    yml = {layer: list(entries) for layer, entries in (yml or {}).items()}
    described = {entry["name"] for entries in yml.values() for entry in entries}
    for key in models:
        layer, name = key.split("/")
        if layer == "marts" and name not in described:
            public = {"discretion": {"public": "a test's model"}}
            yml.setdefault(layer, []).append({"name": name, "meta": public})
    for layer, entries in yml.items():
        (root / "models" / layer / f"_{layer}.yml").write_text(yaml.safe_dump({"models": entries}))
    (root / "models" / "sources.yml").write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {
                        "name": "extracts",
                        "schema": "raw",
                        "tables": [
                            {"name": "ydelser", "required": True, "columns": [{"name": "x"}]}
                        ],
                    }
                ]
            }
        )
    )
    (root / "macros").mkdir(exist_ok=True)
    (root / "macros" / "m.sql").write_text(macros)
    (root / "seeds").mkdir(exist_ok=True)
    for name, text in (seeds or {}).items():
        (root / "seeds" / f"{name}.csv").write_text(text)
    return root
