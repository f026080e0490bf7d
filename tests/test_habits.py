"""Habits the suite keeps: ruff finds nothing, and mypy finds nothing in the modules it checks."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


def test_ruff_finds_nothing():
    """The rules pyproject.toml selects (E9, F, I, B, UP, SIM) over all the Python we keep."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "docgen", "tests", "bench", "scripts"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_finds_nothing(mypy_says):
    """mypy over docgen/ as pyproject.toml configures it (its cache in .mypy_cache): every module,
    none ignored. It runs beside the other tests from the start of the session
    (``tests/conftest.py``: ``mypy_says``)."""
    returncode, output = mypy_says
    assert returncode == 0, output


def test_mypy_leaves_no_module_out():
    """No module of docgen/ is taken out of the check (an override may only say that a library
    ships no types)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert not config.get("ignore_errors")
    for override in config.get("overrides", []):
        assert not override.get("ignore_errors"), override["module"]
        assert set(override) <= {"module", "ignore_missing_imports"}, override
