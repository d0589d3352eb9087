"""Shared test set-up."""

import os
import sys

import pytest

from tests.debian import debian_program
from tests.small_build import build


@pytest.fixture(scope="session")
def chromium_installed() -> str:
    """Headless Chromium, for rendering the reports (tests/headless.py)."""
    return debian_program(("chromium", "chromium-browser"), "chromium")


@pytest.fixture(scope="session")
def libreoffice_installed() -> str:
    """LibreOffice headless, for reading the XLSX export back."""
    return debian_program(("soffice", "libreoffice"), "libreoffice-calc-nogui")


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The worked example (tests/fixtures/small) published as of 2022-03-31, built once per test
    session and shared by every module: read it, never write to it or beside it; fresh_copy it
    to change it."""
    warehouse = tmp_path_factory.mktemp("published") / "lis.duckdb"
    assert build(warehouse) == 0
    return warehouse


# The modules that build the most, first: `pytest -n 2` hands out whole files (--dist loadfile,
# pyproject.toml) in this order, so the two processes start on the long ones and end together.
# The other modules keep their order after these.
SLOWEST_FIRST = (
    "test_report.py",
    "test_output_folders.py",  # seven reports: each runs the disclosure audit of discreet_rows
    "test_reference.py",
    "test_aendringer.py",
    "test_demo.py",
    "test_publish.py",
    "test_determinism.py",
    "test_hostile.py",
    "test_indicators.py",
    "test_build_gates.py",
    "test_last_moment.py",
    "test_years_and_mappings.py",
    "test_report_reading.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    rank = {name: place for place, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order


def pytest_sessionfinish(session, exitstatus):
    session.config._lis_exitstatus = int(exitstatus)


def pytest_unconfigure(config):
    # With duckdb 2.0, great-expectations' duckdb-engine import makes nanobind print hundreds of
    # 'leaked instance' lines at interpreter teardown, after pytest's summary; leave before that.
    if hasattr(config, "_lis_exitstatus"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config._lis_exitstatus)
