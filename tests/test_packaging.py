"""Packaging: a wheel carries docgen's own templates and one version, and builds outside a checkout."""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

import docgen
from tests.helpers import ROOT

# what a source distribution carries (MANIFEST.in adds templates/); the wheel is built from a copy of
# just these, so that a file the build needs but the copy lacks fails here, not on a user's machine
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "docgen", "templates")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the sources with the project's setuptools (no network)."""
    tree = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tree / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(out), str(tree)], check=True, capture_output=True)
    (built,) = out.glob("docgen-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_every_template(wheel):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n.removeprefix("docgen/templates/"): archive.read(n) for n in archive.namelist()
                   if n.startswith("docgen/templates/")}
    own = {p.name: p.read_bytes() for p in (ROOT / "templates").glob("*.docx")}
    assert own and shipped == own


@pytest.mark.slow
def test_the_wheel_is_versioned_from_the_package(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
    assert f"\nVersion: {docgen.__version__}\n" in text
    assert wheel.name.startswith(f"docgen-{docgen.__version__}-")


def test_the_installed_version_is_the_package_version():
    assert importlib.metadata.version("docgen") == docgen.__version__


@pytest.mark.slow
def test_an_installed_docgen_builds_with_its_own_templates(wheel, tmp_path):
    """Unpacked as pip would install it, far from the checkout: the renderer finds the shipped
    templates and builds a programme; ``-t`` still takes a bureau's own folder."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    work = tmp_path / "work"
    shutil.copytree(ROOT / "data" / "sichuan-2025", work / "sichuan-2025")
    shutil.copytree(ROOT / "templates", work / "bureau")
    env = {**os.environ, "PYTHONPATH": str(site), "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the three runs below compile the unpacked docgen once, not three times
    where = subprocess.run([sys.executable, "-c", "import docgen.render as r; print(r.TEMPLATE_DIR)"], cwd=work,
                           env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert where == str(site / "docgen" / "templates")
    outputs = {}
    for name, extra in (("shipped", []), ("own", ["-t", "bureau"])):
        result = subprocess.run([sys.executable, "-c", "from docgen.cli import main; main()", "build", "sichuan-2025",
                                 "-j", "1", "-o", name, *extra], cwd=work, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs[name] = {p.relative_to(work / name): p.read_bytes() for p in (work / name).rglob("*.docx")}
    assert outputs["shipped"] and outputs["shipped"] == outputs["own"]
