"""Shared test set-up."""

import os
import sys


def pytest_sessionfinish(session, exitstatus):
    session.config._lis_exitstatus = int(exitstatus)


def pytest_unconfigure(config):
    # With duckdb 2.0, great-expectations' duckdb-engine import makes nanobind print hundreds of
    # 'leaked instance' lines at interpreter teardown, after pytest's summary; leave before that.
    if hasattr(config, "_lis_exitstatus"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config._lis_exitstatus)
