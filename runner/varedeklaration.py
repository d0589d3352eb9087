"""The varedeklaration: what every indicator is, read from one source, the models' YAML
(`meta: varedeklaration:` under each ind_* model). The model marts.varedeklaration renders it
into a table for analysts; `lis report` renders that table as a page."""

from __future__ import annotations

from .errors import ProjectError
from .project import Project

FIELDS = (
    "indikator",
    "navn",
    "emne",
    "enhed",
    "formaal",
    "formel",
    "taellemaade",
    "opdelinger",
    "kilder",
    "forbehold",
    "laeses",
)
UNITS = ("antal", "kr", "andel", "timer", "dage")


def entries(project: Project) -> list[dict]:
    """Every model's declaration, ordered by indicator, each with the model's name as `model`."""
    found = []
    for name, node in project.nodes.items():
        declared = node.meta.get("varedeklaration")
        if declared is None:
            continue
        missing = [f for f in FIELDS if not declared.get(f)]
        if missing:
            raise ProjectError(
                f"{node.yml}: model {name}: varedeklaration lacks {', '.join(missing)}"
            )
        if declared["enhed"] not in UNITS:
            raise ProjectError(
                f"{node.yml}: model {name}: varedeklaration enhed must be one of "
                f"{', '.join(UNITS)}, not {declared['enhed']!r}"
            )
        # a YAML line `- pr_1000_18_64: totalen ...` is a mapping, not the text it reads as
        odd = [
            f for f, v in declared.items() if not all(isinstance(i, str | int) for i in _items(v))
        ]
        if odd:
            raise ProjectError(
                f"{node.yml}: model {name}: varedeklaration {', '.join(odd)} holds an entry that "
                "is not text (quote a line holding ': ')"
            )
        found.append({**declared, "indikator": str(declared["indikator"]), "model": name})
    return sorted(found, key=lambda entry: entry["indikator"])


def _items(value: object) -> list:
    return value if isinstance(value, list) else [value]
