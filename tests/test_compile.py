import pytest
import yaml

from runner.compile import Compiler, check_tables
from runner.errors import CompileError, ProjectError
from runner.project import load_project
from tests.tiny_project import write_project


def compile_one(tmp_path, sql, name="intermediate/b", **kw):
    models = {"staging/a": "SELECT 1 AS x", name: sql}
    project = load_project(write_project(tmp_path, models, **kw))
    return Compiler(project, {"as_of": "2022-03-31"}).compile_node(
        project.nodes[name.split("/")[1]]
    )


def test_ref_source_var_and_macros_render_and_record_dependencies(tmp_path):
    node = compile_one(
        tmp_path,
        "SELECT {{ double('x') }} AS y, {{ var('x') }} AS v, DATE '{{ var('as_of') }}' AS d\n"
        "FROM {{ ref('a') }} JOIN {{ source('extracts', 'ydelser') }} r ON true "
        "JOIN {{ ref('s') }} ON true",
        macros="{% macro double(c) %}2 * {{ c }}{% endmacro %}",
        seeds={"s": "k\n1\n"},
    )
    assert "2 * x AS y" in node.compiled_sql
    assert "7 AS v" in node.compiled_sql and "DATE '2022-03-31'" in node.compiled_sql
    assert (
        "FROM staging.a JOIN raw.ydelser r" in node.compiled_sql and "seeds.s" in node.compiled_sql
    )
    assert node.depends_on == {"a"}


def test_a_macro_may_ref_a_model_and_the_dependency_is_recorded(tmp_path):
    node = compile_one(
        tmp_path,
        "SELECT * FROM {{ from_a() }}",
        macros="{% macro from_a() %}{{ ref('a') }}{% endmacro %}",
    )
    assert node.depends_on == {"a"}


def test_ctes_are_not_mistaken_for_tables(tmp_path):
    node = compile_one(
        tmp_path, "WITH t AS (SELECT * FROM {{ ref('a') }}) SELECT * FROM t, range(3) r(i)"
    )
    assert node.depends_on == {"a"}


@pytest.mark.parametrize(
    "sql, message",
    [
        ("SELECT * FROM {{ ref('nope') }}", "ref('nope') names no model or seed"),
        ("SELECT * FROM staging.zzz", "reads table 'staging.zzz'"),
        ("SELECT * FROM {{ source('extracts', 'x') }}", "source('extracts', 'x') is not declared"),
        ("SELECT {{ var('missing') }}", "var('missing') is not defined"),
    ],
)
def test_unknown_references_name_the_model_file(tmp_path, sql, message):
    with pytest.raises(CompileError) as error:
        compile_one(tmp_path, sql)
    assert "models/intermediate/b.sql" in str(error.value) and message in str(error.value)


@pytest.mark.parametrize(
    "sql, table",
    [
        ("SELECT *\nFROM intermediate.z_source", "intermediate.z_source"),
        ("SELECT *\nFROM staging.a", "staging.a"),
        ("SELECT *\nFROM seeds.s", "seeds.s"),
    ],
)
def test_a_model_or_seed_read_without_ref_is_a_compile_error_with_file_and_line(
    tmp_path, sql, table
):
    # Read by name, a model has no dependency and may be scheduled before it is built.
    models = {"staging/a": "SELECT 1 AS x", "intermediate/z_source": "SELECT 1 AS x"}
    project = load_project(
        write_project(tmp_path, {**models, "intermediate/b": sql}, seeds={"s": "k\n1\n"})
    )
    with pytest.raises(CompileError) as error:
        Compiler(project, {"as_of": "2022-03-31"}).compile_node(project.nodes["b"])
    assert f"models/intermediate/b.sql:2: reads table '{table}' without ref()" in str(error.value)


ALLOWED = {"staging.a", "raw.ydelser"}


@pytest.mark.parametrize(
    "sql",
    [
        # a CTE in scope: at the top, in a later CTE, inside a nested WITH, in a subquery
        "with t as (select * from staging.a), u as (with v as (select * from t) select * from v)"
        " select * from u where exists (select 1 from t)",
        "with recursive r as (select 1 as n union all select n + 1 from r where n < 3)"
        " select * from r",
        "with t as (select 1 as x) select * from t union all select * from t",
        # table functions read no table
        "select * from range(3) r(i), generate_series(1, 2) g(j), unnest([1, 2]) u(k)",
        "select * from read_csv('x.csv') f",
        "select * from staging.a, lateral (select * from raw.ydelser where x = a.x) l",
        "select * from staging.a pivot (count(*) for x in ('1', '2'))",
        'select * from "STAGING"."A"',  # identifiers are case-insensitive, quoted or not
    ],
)
def test_what_is_not_a_table_read_passes(sql):
    check_tables(sql, "m.sql", ALLOWED)


@pytest.mark.parametrize(
    "sql, table",
    [
        ("select * from staging.a where x in (select x from staging.zzz)", "staging.zzz"),
        ("select (select max(x) from seeds.s) as m", "seeds.s"),
        ("select * from staging.a, lateral (select * from marts.m) l", "marts.m"),
        ("select * from generate_series(1, (select count(*) from zzz))", "zzz"),
        ("select * from (from staging.zzz) pivot (count(*) for x in ('1'))", "staging.zzz"),
        # a CTE is in scope only in the query that declares it
        ("select * from (with t as (select 1) select * from t) s, t", "t"),
        ('select * from "Staging"."Zzz"', "staging.zzz"),
        ("select * from db.staging.a", "db.staging.a"),
        ("select 1; select * from zzz", "zzz"),
        # what DuckDB will not serialize (a PIVOT statement without IN) is checked by sqlglot
        ("pivot staging.zzz on x using count(*)", "staging.zzz"),
    ],
)
def test_a_table_read_anywhere_is_found(sql, table):
    with pytest.raises(CompileError, match=rf"m.sql: reads table '{table}' without ref\(\)"):
        check_tables(sql, "m.sql", ALLOWED)


def test_a_pivot_statement_of_allowed_tables_passes():
    check_tables("pivot staging.a on x using count(*)", "m.sql", ALLOWED)


def test_a_syntax_error_names_the_line_of_the_compiled_sql():
    with pytest.raises(CompileError, match=r"m.sql: line 2 of the compiled SQL: syntax error"):
        check_tables("select 1\nfrom staging.a where (((\n", "m.sql", ALLOWED)


def test_a_parse_error_names_the_file_and_line(tmp_path):
    with pytest.raises(CompileError, match=r"models/intermediate/b.sql: line 3"):
        compile_one(tmp_path, "SELECT 1\nFROM {{ ref('a') }}\nWHERE (((")


def test_a_template_error_names_the_file_and_line(tmp_path):
    with pytest.raises(CompileError, match=r"models/intermediate/b.sql:2:"):
        compile_one(tmp_path, "SELECT 1\n{% if %}")


def test_yaml_for_a_missing_model_and_bad_severity_are_project_errors(tmp_path):
    with pytest.raises(ProjectError, match="ghost, which has no .sql file"):
        load_project(
            write_project(
                tmp_path / "a", {"staging/a": "SELECT 1"}, yml={"staging": [{"name": "ghost"}]}
            )
        )
    with pytest.raises(ProjectError, match="severity must be error or warn"):
        load_project(
            write_project(
                tmp_path / "b",
                {"staging/a": "SELECT 1"},
                yml={
                    "staging": [
                        {
                            "name": "a",
                            "expectations": [
                                {
                                    "expect_column_values_to_not_be_null": {
                                        "column": "x",
                                        "severity": "fatal",
                                    }
                                }
                            ],
                        }
                    ]
                },
            )
        )


def test_model_defaults_by_pattern_and_a_models_own_config_wins(tmp_path):
    models = {
        "staging/stg_a": "SELECT 1 AS x",
        "staging/stg_b": "SELECT 1 AS x",
        "staging/parsed_a": "SELECT 1 AS x",
    }
    root = write_project(
        tmp_path, models, yml={"staging": [{"name": "stg_b", "config": {"materialized": "table"}}]}
    )
    config = yaml.safe_load((root / "lis_project.yml").read_text())
    config["model_defaults"] = [{"match": "staging/stg_*", "materialized": "view"}]
    (root / "lis_project.yml").write_text(yaml.safe_dump(config))
    nodes = load_project(root).nodes
    assert {name: nodes[name].materialized for name in nodes} == {
        "stg_a": "view",
        "stg_b": "table",
        "parsed_a": "table",
    }


def test_a_shape_gives_its_models_the_shared_columns_and_expectations_first(tmp_path):
    root = write_project(tmp_path, {"marts/ind_x": "SELECT 1 AS k, 2 AS v"})
    (root / "models" / "marts" / "_marts.yml").write_text(
        yaml.safe_dump(
            {
                "shapes": {
                    "indikator": {
                        "columns": [{"name": "k", "description": "the key"}],
                        "expectations": [{"expect_column_values_to_be_unique": {"column": "k"}}],
                    }
                },
                "models": [
                    {
                        "name": "ind_x",
                        "shape": "indikator",
                        "meta": {"discretion": {"public": "a test's model"}},
                        "columns": [{"name": "v", "description": "the value"}],
                        "expectations": [{"expect_column_values_to_not_be_null": {"column": "v"}}],
                    }
                ],
            }
        )
    )
    node = load_project(root).nodes["ind_x"]
    assert [c["name"] for c in node.columns] == ["k", "v"]
    assert [(e.type, e.kwargs) for e in node.expectations] == [
        ("expect_column_values_to_be_unique", {"column": "k"}),
        ("expect_column_values_to_not_be_null", {"column": "v"}),
    ]


def test_compilers_share_template_code_but_not_their_macros_refs_or_vars(tmp_path):
    # the same model text in two projects: each renders with its own macros, refs and vars
    sql = "SELECT {{ m() }} AS y, '{{ var('as_of') }}' AS d FROM {{ ref('a') }}"
    nodes = [
        compile_one(tmp_path / name, sql, macros=f"{{% macro m() %}}{value}{{% endmacro %}}")
        for name, value in (("one", 1), ("two", 2))
    ]
    assert [node.compiled_sql for node in nodes] == [
        "SELECT 1 AS y, '2022-03-31' AS d FROM staging.a",
        "SELECT 2 AS y, '2022-03-31' AS d FROM staging.a",
    ]
    project = load_project(tmp_path / "one")
    other = Compiler(project, {"as_of": "2023-01-31"}).compile_node(project.nodes["b"])
    assert "'2023-01-31' AS d" in other.compiled_sql
