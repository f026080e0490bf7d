"""Templates: the committed files are what the build script makes, and the checker finds real faults."""
from __future__ import annotations

import shutil

from docx import Document

from docgen.authoring.check import check_dir, check_template
from docgen.authoring.templates import build_all
from tests.helpers import ROOT, run


def test_committed_templates_are_what_the_script_builds(tmp_path):
    build_all(tmp_path)
    built = sorted(p.name for p in tmp_path.glob("*.docx"))
    committed = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))
    assert built == committed
    for name in built:
        assert (tmp_path / name).read_bytes() == (ROOT / "templates" / name).read_bytes(), name


def test_shipped_templates_pass_the_check():
    files, findings = check_dir(ROOT / "templates")
    assert len(files) == 8 and findings == []


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
