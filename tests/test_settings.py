"""DuckDB settings of the build's connection, from the project file's `duckdb:` section."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from runner.build import build
from runner.connection import connect
from runner.errors import ProjectError
from runner.project import load_project
from tests.tiny_project import write_project


def test_memory_limit_and_a_spill_folder_beside_the_warehouse(tmp_path):
    root = write_project(tmp_path / "project", {"staging/a": "SELECT 1 AS x"})
    config = yaml.safe_load((root / "lis_project.yml").read_text())
    config["duckdb"] = {"memory_limit": "512MB", "temp_directory": ".spill"}
    (root / "lis_project.yml").write_text(yaml.safe_dump(config))
    warehouse = tmp_path / "warehouse" / "lis.duckdb"
    warehouse.parent.mkdir()

    settings = load_project(root).duckdb_config(warehouse)

    assert settings["temp_directory"] == str(warehouse.parent / ".spill")
    with duckdb.connect(str(warehouse), config=settings) as con:
        limit, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    assert limit in ("512.0 MiB", "488.2 MiB", "512.0 MB")
    assert spill == str(warehouse.parent / ".spill")


def test_no_settings_leave_duckdbs_defaults_but_the_storage_version(tmp_path):
    root = write_project(tmp_path / "project", {"staging/a": "SELECT 1 AS x"})
    config = load_project(root).duckdb_config(tmp_path / "lis.duckdb")
    assert config == {"storage_compatibility_version": "v1.4.0"}


def test_the_project_caps_a_build_below_three_gigabytes():
    settings = load_project(Path(__file__).parents[1]).duckdb_config(Path("/w/lis.duckdb"))
    number, unit = settings["memory_limit"][:-2], settings["memory_limit"][-2:]
    assert unit == "GB" and float(number) <= 2.5
    assert settings["temp_directory"].startswith("/w/")


def _with_settings(tmp_path, settings: dict) -> Path:
    root = write_project(tmp_path / "project", {"staging/a": "SELECT 1 AS x"})
    config = yaml.safe_load((root / "lis_project.yml").read_text())
    config["duckdb"] = settings
    (root / "lis_project.yml").write_text(yaml.safe_dump(config))
    return root


def test_a_setting_duckdb_ignores_when_connecting_takes_effect(tmp_path):
    # DuckDB 2.0 takes disabled_compression_methods in connect's config without a word, and
    # leaves it unset
    root = _with_settings(tmp_path, {"disabled_compression_methods": "fsst", "threads": 1})
    warehouse = tmp_path / "lis.duckdb"

    con = connect(warehouse, load_project(root), warehouse)
    try:
        disabled, threads = con.execute(
            "SELECT current_setting('disabled_compression_methods'), current_setting('threads')"
        ).fetchone()
    finally:
        con.close()
    assert (disabled.lower(), threads) == ("fsst", 1)


def test_a_setting_duckdb_takes_only_when_opening_is_kept(tmp_path):
    root = _with_settings(tmp_path, {"access_mode": "read_write"})
    warehouse = tmp_path / "lis.duckdb"

    con = connect(warehouse, load_project(root), warehouse)
    try:
        assert con.execute("SELECT current_setting('access_mode')").fetchone() == ("read_write",)
    finally:
        con.close()


@pytest.mark.parametrize(
    "settings, named",
    [({"memory_limit": "lots"}, "memory_limit"), ({"no_such_setting": "1"}, "no_such_setting")],
)
def test_a_setting_duckdb_refuses_fails_the_build_before_it_starts(tmp_path, settings, named):
    root = _with_settings(tmp_path, settings)
    extracts = tmp_path / "extracts"
    extracts.mkdir()
    (extracts / "ydelser.csv").write_text("x\n1\n")
    warehouse = tmp_path / "w" / "lis.duckdb"
    warehouse.parent.mkdir()

    with pytest.raises(ProjectError, match=f"lis_project.yml: .*{named}"):
        build(load_project(root), extracts, date(2022, 3, 31), warehouse)
    assert not warehouse.exists()
    assert [p.name for p in warehouse.parent.iterdir() if p.suffix == ".duckdb"] == []
