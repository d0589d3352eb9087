"""The tests bring the programs they drive (tests/debian.py): a missing one is installed or the
test fails naming its Debian package; it is never skipped."""

import os

import pytest

from tests.debian import debian_program


def test_a_program_on_path_is_used_as_it_is(tmp_path, monkeypatch):
    program = tmp_path / "chromium"
    program.write_text("#!/bin/sh\n")
    os.chmod(program, 0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert debian_program(("chromium", "chromium-browser"), "chromium") == str(program)


def test_a_missing_program_that_cannot_be_installed_fails_naming_its_package(tmp_path, monkeypatch):
    # Before: the report tests met a raw TypeError without Chromium; the XLSX test skipped.
    monkeypatch.setenv("PATH", str(tmp_path))  # no program, and no apt-get to install it
    with pytest.raises(pytest.fail.Exception) as failed:
        debian_program(("soffice", "libreoffice"), "libreoffice-calc-nogui")
    assert str(failed.value) == (
        "soffice is needed and not installed: install Debian's package libreoffice-calc-nogui "
        "(apt-get install libreoffice-calc-nogui); run as root, the tests install it themselves "
        "(no apt-get on this machine)"
    )
