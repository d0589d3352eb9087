import pytest

from runner import dag
from runner.compile import Compiler
from runner.errors import CompileError
from runner.project import load_project
from tests.tiny_project import write_project


def planned(tmp_path, models):
    project = load_project(write_project(tmp_path, models))
    return dag.plan(Compiler(project, {}).compile_all(), project.layers)


def test_layers_run_in_order_and_models_after_their_parents(tmp_path):
    layers = planned(
        tmp_path,
        {
            "marts/m": "SELECT * FROM {{ ref('i2') }}",
            "intermediate/i2": "SELECT * FROM {{ ref('i1') }}",
            "intermediate/i1": "SELECT * FROM {{ ref('s') }}",
            "staging/s": "SELECT 1 AS x",
            "staging/a": "SELECT 1 AS x",
        },
    )
    assert [[n.name for n in group] for group in layers] == [["a", "s"], ["i1", "i2"], ["m"]]


def test_a_cycle_is_named(tmp_path):
    with pytest.raises(CompileError, match="cycle: .*(x -> y|y -> x)"):
        planned(
            tmp_path,
            {
                "intermediate/x": "SELECT * FROM {{ ref('y') }}",
                "intermediate/y": "SELECT * FROM {{ ref('x') }}",
            },
        )


def test_a_model_may_not_ref_a_later_layer(tmp_path):
    with pytest.raises(
        CompileError, match="staging model s refs m, a model of the later layer marts"
    ):
        planned(tmp_path, {"staging/s": "SELECT * FROM {{ ref('m') }}", "marts/m": "SELECT 1 AS x"})


def test_the_real_project_plans(tmp_path):
    project = load_project()
    layers = dag.plan(
        Compiler(project, {"as_of": "2022-03-31", "pseudonym_key": "k"}).compile_all(),
        project.layers,
    )
    names = [n.name for group in layers for n in group]
    assert (
        names.index("int_modtagerperioder")
        < names.index("int_helaarsmodtagere")
        < names.index("indicator_values")
    )
