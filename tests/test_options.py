"""One options object: the bundle options are the bundle's recipe key, field by field, and
every default is written once (in docgen/options.py)."""
from __future__ import annotations

from dataclasses import fields, replace

import click
import pytest

from docgen import cli, pipeline
from docgen.bundle.plan import bundled
from docgen.documents.jobs import plan_jobs
from docgen.documents.kinds import select
from docgen.incremental import Book, Recipes, Record
from docgen.incremental.cleaner import Cleaner
from docgen.load import load_programme
from docgen.options import DEFAULTS, NOT_IN_KEY, BundleOptions, Options
from docgen.output_tree import OutputTree
from tests.helpers import DATA

CHANGED = {"duplex": True, "seal_mm": 40.0, "archive": False, "sign_cert": "cert.p12"}
"""Another value for each field of ``BundleOptions`` in the key (a new field needs one here)."""


@pytest.fixture
def book_and_jobs(tmp_path):
    loaded = load_programme(DATA / "gaotai-2020")
    jobs = [j for j in plan_jobs(loaded, select(()), tmp_path) if j.pairing_id == "sanzhong" and bundled(j)]
    record = Record(tmp_path / loaded.id)
    for job in jobs:
        record.made(job.path, "recipe of " + job.path.name, job.pairing_id, "docx")
    return Book(record, Recipes(loaded, DEFAULTS.templates), Cleaner(OutputTree(tmp_path), loaded.id)), jobs


def test_every_bundle_option_changes_the_bundle_recipe(book_and_jobs, tmp_path):
    book, jobs = book_and_jobs
    (tmp_path / "cert.p12").write_bytes(b"a certificate")
    base = pipeline.bundle_recipe(book, jobs, BundleOptions())
    for f in fields(BundleOptions):
        if f.metadata.get(NOT_IN_KEY):
            continue
        assert f.name in CHANGED, f"give tests/test_options.py another value of the new option {f.name}"
        value = tmp_path / CHANGED[f.name] if f.name == "sign_cert" else CHANGED[f.name]
        assert pipeline.bundle_recipe(book, jobs, replace(BundleOptions(), **{f.name: value})) != base, f.name


def test_a_file_option_is_keyed_by_its_content(book_and_jobs, tmp_path):
    book, jobs = book_and_jobs
    (tmp_path / "a.p12").write_bytes(b"same")
    (tmp_path / "b.p12").write_bytes(b"same")
    keyed = [pipeline.bundle_recipe(book, jobs, BundleOptions(sign_cert=tmp_path / name)) for name in ("a.p12", "b.p12")]
    assert keyed[0] == keyed[1]


def test_what_stays_out_of_the_key_says_why_and_changes_nothing(book_and_jobs):
    book, jobs = book_and_jobs
    left_out = [f for f in fields(BundleOptions) if f.metadata.get(NOT_IN_KEY)]
    assert [f.name for f in left_out] == ["sign_password"]
    assert pipeline.bundle_recipe(book, jobs, BundleOptions(sign_password="secret")) == \
        pipeline.bundle_recipe(book, jobs, BundleOptions())
    assert "secret" not in repr(BundleOptions(sign_password="secret"))


def _default(command: click.Command, name: str):
    return next(p.default for p in command.params if p.name == name)


def test_the_command_line_takes_its_defaults_from_the_options():
    assert _default(cli.build, "timeout") == _default(cli.bundle, "timeout") == DEFAULTS.timeout
    assert _default(cli.bundle, "seal_mm") == DEFAULTS.bundle.seal_mm
    assert Options().bundle == BundleOptions()
