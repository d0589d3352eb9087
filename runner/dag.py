"""The DAG: dependency order, cycles, and the rule that a layer reads only its own or earlier
layers."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from .errors import CompileError
from .project import Node


def plan(nodes: dict[str, Node], layers: tuple) -> list[list[Node]]:
    """Group compiled nodes into layers, each in a deterministic dependency order."""
    rank = {layer: i for i, layer in enumerate(layers)}
    for node in nodes.values():
        for parent in sorted(node.depends_on):
            if rank[nodes[parent].layer] > rank[node.layer]:
                raise CompileError(
                    f"{node.path.name}: the {node.layer} model {node.name} refs {parent}, "
                    f"a model of the later layer {nodes[parent].layer}"
                )
    sorter = TopologicalSorter(
        {name: sorted(node.depends_on) for name, node in sorted(nodes.items())}
    )
    try:
        sorter.prepare()
    except CycleError as error:
        raise CompileError(
            "models depend on each other in a cycle: " + " -> ".join(error.args[1])
        ) from error
    ordered: list[str] = []
    while sorter.is_active():
        wave = sorted(sorter.get_ready(), key=lambda n: (rank[nodes[n].layer], n))
        ordered += wave
        sorter.done(*wave)
    by_layer = [[nodes[n] for n in ordered if nodes[n].layer == layer] for layer in layers]
    return [group for group in by_layer if group]
