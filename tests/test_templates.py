"""Templates: the committed files are what the build script makes, and the checker finds real faults."""
from __future__ import annotations

import shutil

import pytest
from docx import Document

from docgen.authoring.check import check_dir, check_template, sample_contexts
from docgen.authoring.specimen import specimen
from docgen.authoring.tables import DRAWINGS
from docgen.authoring.templates import BUILDERS, build_all, declared
from docgen.documents import kinds
from docgen.documents.tables import TableKind
from tests.helpers import ROOT, all_text, run


@pytest.mark.slow  # builds every template: seconds
def test_committed_templates_are_what_the_script_builds(tmp_path):
    build_all(tmp_path)
    built = sorted(p.name for p in tmp_path.glob("*.docx"))
    committed = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))
    assert built == committed
    for name in built:
        assert (tmp_path / name).read_bytes() == (ROOT / "templates" / name).read_bytes(), name


def test_every_builder_makes_a_template_a_kind_declares():
    assert sorted(BUILDERS) == declared()


def test_every_kind_of_table_is_drawn_where_tables_are():
    """The template side of the table contract: a drawing and a branch for every TableKind."""
    assert list(DRAWINGS) == list(TableKind)
    for name in ("notice.docx", "plan.docx"):
        text = all_text(Document(str(ROOT / "templates" / name)))
        for kind in TableKind:
            assert f'.kind == "{kind.value}"' in text, (name, kind)


def _tables(value):
    """Every attachment and body table of a context (a dict with the table keys and a kind)."""
    if isinstance(value, dict):
        if {"kind", "rows", "paragraphs", "heads"} <= value.keys() and value["kind"]:
            yield value
        for item in value.values():
            yield from _tables(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tables(item)


def test_contexts_name_their_tables_by_table_kind():
    """The context side of the table contract: every table a context hands a template says
    which one it is by a TableKind, never by a bare string."""
    loaded = specimen()
    seen = [t["kind"] for kind in kinds.KINDS for c in sample_contexts(kind, loaded) for t in _tables(c)]
    assert all(isinstance(k, TableKind) for k in seen), sorted({k for k in seen if not isinstance(k, TableKind)})
    assert len(set(seen)) >= 6, sorted(set(seen))  # the specimen shows most of them


@pytest.mark.slow  # checks every template: seconds
def test_shipped_templates_pass_the_check():
    checked = check_dir(ROOT / "templates")
    assert len(checked.files) == 8 and checked.findings == [] and checked.notes == []


def _copy(tmp_path, name="teacher_letter.docx"):
    target = tmp_path / name
    shutil.copy(ROOT / "templates" / name, target)
    return target


def _append_runs(path, pieces: list[str]):
    doc = Document(str(path))
    para = doc.add_paragraph()
    for piece in pieces:
        para.add_run(piece).bold = len(piece) % 2 == 0  # different formatting, so Word keeps runs apart
    doc.save(str(path))


def test_tag_split_across_runs_is_understood(tmp_path):
    path = _copy(tmp_path)
    _append_runs(path, ["{{ clos", "ing_hea", "ding }}"])
    assert check_template(path) == []


def test_misspelled_variable_is_named_with_a_suggestion(tmp_path):
    path = _copy(tmp_path)
    _append_runs(path, ["{{ signature.rwos }}"])
    findings = check_template(path)
    assert len(findings) == 1
    assert "signature.rwos" in findings[0].message and "rows" in findings[0].message


def test_loop_variables_are_checked_against_their_items(tmp_path):
    path = _copy(tmp_path, "plan.docx")
    doc = Document(str(path))
    doc.add_paragraph("{%p for s in plan.blocks %}")
    doc.add_paragraph("{{ s.styel }}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(str(path))
    findings = check_template(path)
    assert findings and "plan.blocks[].styel" in findings[0].message and "style" in findings[0].message


def test_broken_tag_is_reported(tmp_path):
    path = _copy(tmp_path)
    _append_runs(path, ["{{ closing_heading }"])
    findings = check_template(path)
    assert findings and "语法" in findings[0].message


def test_cli_check_exit_code(tmp_path):
    path = _copy(tmp_path)
    _append_runs(path, ["{{ nothing_here }}"])
    result = run("templates", "check", tmp_path)
    assert result.returncode == 3 and "nothing_here" in result.stderr
