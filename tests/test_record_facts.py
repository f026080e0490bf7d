"""What a bundle needs of a document it did not render (its heading, attachments and gaps) is
read from the build record, where it was noted when the document was made: a bundle of a
large programme does not work out the context of every document again (issue 22)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from docgen import pipeline
from docgen.documents.jobs import noted, rendered
from docgen.incremental.record import PREFIX

DATA = Path(__file__).resolve().parent.parent / "data"


def _again(source: Path, out: Path) -> pipeline.Outcome:
    pipeline.render_documents(source, out)
    return pipeline.render_documents(source, out)  # nothing changed: every document unchanged


@pytest.mark.slow
def test_the_facts_noted_are_those_its_context_gives(tmp_path):
    seen_attachments = seen_gaps = False
    for name in ("gaotai-2020", "hongsibu-2023"):
        outcome = _again(DATA / name, tmp_path / name)
        assert outcome.unchanged and not outcome.documents
        for job in outcome.unchanged:
            book = outcome.books[job.scope.loaded.id]
            kept = noted(job, book.record.facts(job.path))
            assert kept is not None, job.path
            assert kept == rendered(job, job.kind.context(job.scope)), job.path
            seen_attachments |= bool(kept.attachments)
            seen_gaps |= bool(kept.gaps)
    assert seen_attachments and seen_gaps  # the examples exercise both lists


@pytest.fixture(scope="module")
def gaotai_rendered(tmp_path_factory, small_source) -> tuple[Path, pipeline.Outcome]:
    """The Word files of data/gaotai-2020 cut to two pairings (conftest's ``small_source``: every
    kind of its documents, agreements too) rendered once for this module: (output folder,
    outcome). Read it; a test that changes it works on a copy. (The whole examples are read
    by the slow test above.)"""
    out = tmp_path_factory.mktemp("facts") / "out"
    return out, pipeline.render_documents(small_source, out)


def test_a_record_of_an_older_docgen_without_facts_still_serves(gaotai_rendered, small_source, tmp_path):
    source, out = small_source, tmp_path / "out"
    shutil.copytree(gaotai_rendered[0], out)  # copy2: the build record's sizes and times hold
    for record in out.rglob(f"{PREFIX}*.json"):
        data = json.loads(record.read_text(encoding="utf-8"))
        for entry in data["outputs"].values():
            entry.pop("facts", None)
        record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outcome = pipeline.render_documents(source, out)
    assert outcome.unchanged and not outcome.documents  # the facts are not part of the recipe
    job = outcome.unchanged[0]
    assert outcome.books[job.scope.loaded.id].record.facts(job.path) is None


def test_facts_that_are_not_what_was_written_are_not_trusted(gaotai_rendered):
    job = gaotai_rendered[1].documents[0].job
    for broken in ({}, {"heading": 3, "attachments": [], "gaps": []},
                   {"heading": "x", "attachments": "附件1", "gaps": []}, {"heading": "x", "attachments": [], "gaps": [1]}):
        assert noted(job, broken) is None
