"""One SQL style across models and macros (tools/sqlstyle.py): lower-case SQL words, joins
spelled out. A failure lists file and line; `python -m tools.sqlstyle --fix` mends the casing."""

from pathlib import Path

from runner.compile import Compiler
from runner.project import load_project
from tools import sqlstyle

ROOT = Path(__file__).resolve().parent.parent


def test_fix_lowers_keywords_types_and_functions_and_nothing_else():
    text = (
        "SELECT Sum(x) AS \"Total\", CAST(y AS DOUBLE), 'LEFT JOIN' AS s\n"
        "FROM {{ ref('A') }} a CROSS JOIN b WHERE x IS NOT NULL {# KEEP #}"
    )
    assert sqlstyle.fix(text) == (
        "select sum(x) as \"Total\", cast(y as double), 'LEFT JOIN' as s\n"
        "from {{ ref('A') }} a cross join b where x is not null {# KEEP #}"
    )
    assert sqlstyle.upper_case_words(text)[:2] == [(1, "SELECT"), (1, "Sum")]


def test_a_comma_between_tables_is_found():
    assert sqlstyle.comma_joins("select 1 from a, b cross join c join d on true") == ["b"]


def test_every_model_and_macro_writes_sql_words_in_lower_case():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {word}"
        for path in sqlstyle.sql_files(ROOT)
        for line, word in sqlstyle.upper_case_words(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found[:20])


def test_no_model_joins_tables_with_a_comma():
    project = load_project(ROOT)
    compiled = Compiler(project, {"as_of": "2022-11-23", "pseudonym_key": "k"}).compile_all()
    found = {name: sqlstyle.comma_joins(node.compiled_sql) for name, node in compiled.items()}
    assert {name: joins for name, joins in found.items() if joins} == {}
