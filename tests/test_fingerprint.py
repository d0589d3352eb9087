"""What the fingerprint of a publication follows: the output's inputs, and nothing else."""

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
