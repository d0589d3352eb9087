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


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The worked example built and published once per test module; fresh_copy it to change it."""
    warehouse = tmp_path_factory.mktemp("published") / "lis.duckdb"
    assert build(warehouse) == 0
    return warehouse


def pytest_sessionfinish(session, exitstatus):
    session.config._lis_exitstatus = int(exitstatus)


def pytest_unconfigure(config):
    # With duckdb 2.0, great-expectations' duckdb-engine import makes nanobind print hundreds of
    # 'leaked instance' lines at interpreter teardown, after pytest's summary; leave before that.
    if hasattr(config, "_lis_exitstatus"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config._lis_exitstatus)
