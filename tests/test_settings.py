"""DuckDB settings of the build's connection, from the project file's `duckdb:` section."""

import duckdb
import yaml

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
    from pathlib import Path

    settings = load_project(Path(__file__).parents[1]).duckdb_config(Path("/w/lis.duckdb"))
    number, unit = settings["memory_limit"][:-2], settings["memory_limit"][-2:]
    assert unit == "GB" and float(number) <= 2.5
    assert settings["temp_directory"].startswith("/w/")
