"""What the fingerprint of a publication follows: the output's inputs, and nothing else."""

import shutil

import pytest

from runner import fingerprint
from runner.project import load_project
from tests.tiny_project import write_project

RUN = {"as_of": "2022-03-31", "pseudonym_key": "k1"}


def project_with(tmp_path, macro_body: str, macro_comment: str = ""):
    return load_project(
        write_project(
            tmp_path,
            {"staging/a": "SELECT {{ amount() }} AS x"},
            macros=f"{macro_comment}{{% macro amount() %}}{macro_body}{{% endmacro %}}",
        )
    )


def models_fingerprint(tmp_path, name, **kw) -> str:
    extracts = tmp_path / "extracts"
    extracts.mkdir(exist_ok=True)
    return fingerprint.compute(project_with(tmp_path / name, **kw), extracts, RUN)["models"]


def test_a_macro_change_that_changes_a_model_changes_the_fingerprint(tmp_path):
    assert models_fingerprint(tmp_path, "a", macro_body="1") != models_fingerprint(
        tmp_path, "b", macro_body="2"
    )


def test_a_macro_file_edit_that_changes_no_model_keeps_the_fingerprint(tmp_path):
    # Hashing the rendered SQL, not the files: a comment outside every macro changes nothing.
    assert models_fingerprint(tmp_path, "a", macro_body="1") == models_fingerprint(
        tmp_path, "b", macro_body="1", macro_comment="-- why the amount is one\n"
    )


def test_the_pseudonym_key_does_not_reach_the_fingerprint(tmp_path):
    project = project_with(tmp_path, macro_body="'{{ var(\"pseudonym_key\") }}'")
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    one = fingerprint.compute(project, extracts, RUN)
    other = fingerprint.compute(project, extracts, {**RUN, "pseudonym_key": "k2"})
    assert one == other


# What forces a rebuild: each input of the output changes the fingerprint, also when the
# publication's fingerprints are at hand and the models' rendering is skipped (model_sources).


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _code_edit(root, monkeypatch):
    code = root / "runner_copy"
    shutil.copytree(fingerprint.CODE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "CODE", code)
    return code


CHANGES = {
    "seed": lambda root, run, mp: _edit(root / "seeds" / "s.csv", "1", "2"),
    "project file": lambda root, run, mp: _edit(root / "lis_project.yml", "x: 7", "x: 8"),
    "model YAML": lambda root, run, mp: _edit(
        root / "models" / "staging" / "_staging.yml", "one", "two"
    ),
    "model SQL": lambda root, run, mp: _edit(
        root / "models" / "staging" / "a.sql", "AS x", "+ 1 AS x"
    ),
    "extract content": lambda root, run, mp: _edit(root / "extracts" / "ydelser.csv", "1", "2"),
    "status date": lambda root, run, mp: run.update(as_of="2022-04-30"),
    "library version": lambda root, run, mp: mp.setattr(
        fingerprint.metadata, "version", lambda package: f"{package}-other"
    ),
    "runner code": lambda root, run, mp: (
        (_code_edit(root, mp) / "sql.py").open("a").write("\n# an edit\n")
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_an_input_gives_a_new_fingerprint(tmp_path, monkeypatch, change):
    root = write_project(
        tmp_path / "p",
        {"staging/a": "SELECT {{ amount() }} AS x FROM {{ ref('s') }}"},
        yml={"staging": [{"name": "a", "description": "one", "columns": [{"name": "x"}]}]},
        macros="{% macro amount() %}1{% endmacro %}",
        seeds={"s": "y\n1\n"},
    )
    (root / "extracts").mkdir()
    (root / "extracts" / "ydelser.csv").write_text("x\n1\n")
    run = dict(RUN)
    published = fingerprint.compute(load_project(root), root / "extracts", run)
    unchanged = fingerprint.compute(load_project(root), root / "extracts", run, published)
    assert fingerprint.same_output(unchanged, published)

    CHANGES[change](root, run, monkeypatch)
    after = fingerprint.compute(load_project(root), root / "extracts", run, published)
    assert not fingerprint.same_output(after, published)
