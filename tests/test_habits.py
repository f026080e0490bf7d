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
    """mypy over docgen/ as pyproject.toml configures it (its cache in .mypy_cache; the modules
    not yet clean are listed there, and ignored until they are). It runs beside the other tests
    from the start of the session (``tests/conftest.py``: ``mypy_says``)."""
    returncode, output = mypy_says
    assert returncode == 0, output
