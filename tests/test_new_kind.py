"""Adding a document kind is one keyword row, one context function and one builder: a kind
added here (典型案例, one per pairing, signed by its schools) gets its template from the build
script, is built, bundled in its place and checked like the others, and is gone again when the
row is."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
from docx import Document

from docgen.authoring.blocks import title
from docgen.authoring.templates import BUILDERS, build_all
from docgen.authoring.writer import Writer
from docgen.documents import kinds, signatures
from docgen.documents.kinds import Kind
from docgen.documents.scope import Per, Scope
from docgen.documents.signers import pairing_signers
from docgen.documents.typography import split_title
from docgen.documents.wording import pairing_names
from docgen.load.model.programme import DocumentKind
from docgen.text import cn_date
from tests.conftest import needs_libreoffice
from tests.helpers import ROOT, all_text, run

pytestmark = pytest.mark.slow  # builds every template and a whole programme: seconds


def case_study(scope: Scope) -> dict:
    """The one context function."""
    pairing = scope.pairing
    return {"title_lines": split_title(f"{pairing_names(pairing)}结对帮扶典型案例"),
            "paragraphs": [f"{pairing.supporter.name}围绕“{pairing.key_target or '学校管理'}”开展帮扶。"],
            "signature": signatures.joint(pairing_signers(scope), cn_date(pairing.signed_on, blank=True))}


def case_study_template() -> Writer:
    """The one builder."""
    w = Writer("典型案例")
    title(w)
    w.blank()
    w.loop("for para in paragraphs", "{{ para }}")
    w.signature_area("signature")
    return w


CASE_STUDY = Kind(name="case_study", family="case_study", label="典型案例", template="case_study.docx",
                  per=Per.pairing, context=case_study, filename=lambda s: f"典型案例_{pairing_names(s.pairing)}",
                  signers=pairing_signers, bundle_place=8)
"""The one keyword row."""


@pytest.fixture
def declared(monkeypatch):
    """The row and its builder's entry, for this test only."""
    monkeypatch.setattr(kinds, "KINDS", [*kinds.KINDS, CASE_STUDY])
    monkeypatch.setitem(BUILDERS, "case_study.docx", case_study_template)


@pytest.fixture(scope="module")
def template_folder(tmp_path_factory):
    """The templates as the build script makes them, the new kind's included: built once for
    the module (the tests read them, never change them)."""
    folder = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as patch:  # declared while they are built, as ``declared`` does
        patch.setattr(kinds, "KINDS", [*kinds.KINDS, CASE_STUDY])
        patch.setitem(BUILDERS, "case_study.docx", case_study_template)
        built = build_all(folder)
    assert "case_study.docx" in built
    return folder


@pytest.fixture
def templates(template_folder, declared):
    """The templates, the new kind's included, with the kind declared for this test."""
    return template_folder


def test_a_new_kind_is_built_checked_and_known_to_the_cli(templates, declared, tmp_path):
    out = tmp_path / "out"
    result = run("build", "data/gaotai-2020", "-o", out, "-k", "case_study", "-t", templates)
    assert result.returncode == 0, result.stderr
    made = sorted(out.rglob("典型案例_*.docx"))
    assert len(made) == 6  # one per pairing of 高台
    text = all_text(Document(str(out / "gaotai-2020" / "chengguan" / made[0].name)))
    assert "结对帮扶典型案例" in text and "城关初中" in text
    checked = run("templates", "check", templates)
    assert checked.returncode == 0 and "9 个模板" in checked.stdout, checked.stderr


@needs_libreoffice
def test_a_new_kind_takes_its_place_in_the_bundle(templates, declared, tmp_path):
    out = tmp_path / "out"
    result = run("bundle", "data/gaotai-2020", "-o", out, "-p", "sanzhong", "-t", templates)
    assert result.returncode in (0, 7), result.stderr  # 7: the pairing's 计划表 is left to fill in
    manifest = json.loads((out / "gaotai-2020" / "bundles" / "sanzhong" / "manifest.json").read_text("utf-8"))
    titles = [d["title"] for d in manifest["pdf"]["documents"]]
    assert titles[-1].endswith("结对帮扶典型案例") and titles[-2].endswith("年度结对帮扶工作总结")
    assert any(s["document"] == titles[-1] and s["party"] == "高台三中" for s in manifest["seals"])


def test_without_its_declaration_the_kind_is_unknown(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "case_study.docx").write_bytes(case_study_template().bytes())
    assert "case_study" not in kinds.choices()
    result = run("build", "data", "-o", tmp_path / "out", "-k", "case_study")
    assert result.returncode == 2 and "case_study" in result.stderr
    checked = run("templates", "check", templates)  # its template is used by no kind
    assert checked.returncode == 3 and "case_study.docx" in checked.stderr


def test_a_kind_is_declared_by_keywords_and_never_changes():
    with pytest.raises(TypeError):
        Kind("case_study", "case_study", "典型案例", "case_study.docx", Per.pairing, case_study,  # type: ignore[misc]
             lambda s: "典型案例")
    with pytest.raises(dataclasses.FrozenInstanceError):
        CASE_STUDY.label = "案例"  # type: ignore[misc]


def test_a_declared_template_without_a_builder_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(kinds, "KINDS", [*kinds.KINDS, CASE_STUDY])
    with pytest.raises(LookupError, match="case_study.docx.*BUILDERS"):
        build_all(tmp_path / "templates")
    assert not (tmp_path / "templates").exists()  # nothing half-written


def test_the_documents_a_programme_may_ask_for_are_declared_kinds():
    """A programme's ``documents:`` names kinds by the names declared here; the data model
    (loaded before any kind exists) spells them again, so a renamed kind must rename them too."""
    declared_names = {k.name for k in kinds.KINDS if k.per.built and not k.per.bureau_level}
    assert {d.value for d in DocumentKind} <= declared_names
