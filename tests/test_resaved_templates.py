"""A bureau's templates saved in a word processor (review 2026-12, "templates edited in Word"):
LibreOffice and Word give docgen's styles new identifiers, LibreOffice writes hanging
punctuation off into every style, drops settings and fixes every table's columns; a bureau
working in 修订 mode leaves tracked changes. The documents made from such a template are the
ones docgen's own template makes (the clerk's accepted changes apart)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from docgen.authoring.check import check_dir
from docgen.render import TEMPLATE_DIR
from docgen.render.resaved import own, restore
from tests.helpers import all_text, run

Edit = Callable[[str, str], str]
"""(part name, part XML) -> the part as a word processor saves it."""


def _resaved(folder: Path, edit: Edit) -> Path:
    folder.mkdir()
    for template in sorted(TEMPLATE_DIR.glob("*.docx")):
        with zipfile.ZipFile(template) as source, zipfile.ZipFile(folder / template.name, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                    data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
                out.writestr(info, data)
    return folder


def _word_style_ids(name: str, xml: str) -> str:
    """Word's way: a style with a Chinese name gets an identifier like a0, a1 …"""
    ids = re.findall(r'w:customStyle="1" w:styleId="([^"]+)"', _STYLES)
    for n, old in enumerate(ids):
        xml = re.sub(rf'(w:styleId|w:val)="{old}"', rf'\1="a{n}"', xml)
    return xml


def _libreoffice_settings(name: str, xml: str) -> str:
    """LibreOffice's way: hanging punctuation written off in every style, the punctuation and
    East Asian layout settings dropped, hyphenation on."""
    if name == "word/styles.xml":
        return xml.replace("<w:pPr><w:keepNext/>", '<w:pPr><w:keepNext/><w:overflowPunct w:val="false"/>')
    if name == "word/settings.xml":
        xml = xml.replace('<w:characterSpacingControl w:val="doNotCompress"/>', "").replace("<w:useFELayout/>", "")
        return xml.replace('<w:defaultTabStop w:val="720"/>', '<w:defaultTabStop w:val="720"/><w:autoHyphenation w:val="true"/>')
    return xml


def _fixed_tables(name: str, xml: str) -> str:
    """LibreOffice's and WPS's way: every table with fixed columns."""
    return xml.replace('<w:tblLayout w:type="autofit"/>', '<w:tblLayout w:type="fixed"/>')


with zipfile.ZipFile(TEMPLATE_DIR / "notice.docx") as _notice:
    _STYLES = _notice.read("word/styles.xml").decode("utf-8")


def _words(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.docx"))}


@pytest.fixture(scope="module")
def made_with_own(tmp_path_factory, small_source) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("own")
    assert run("build", small_source, "-o", out).returncode in (0, 7)
    return _words(out)


@pytest.mark.slow  # builds a programme
@pytest.mark.parametrize("edit", [_word_style_ids, _libreoffice_settings, _fixed_tables])
def test_a_template_saved_in_a_word_processor_makes_the_same_documents(edit, made_with_own, small_source, tmp_path):
    templates = _resaved(tmp_path / "tpl", edit)
    assert (templates / "plan.docx").read_bytes() != (TEMPLATE_DIR / "plan.docx").read_bytes()
    result = run("build", small_source, "-o", tmp_path / "out", "-t", templates)
    assert result.returncode in (0, 7), result.stderr
    made = _words(tmp_path / "out")
    assert sorted(made) == sorted(made_with_own) and len(made) > 10
    assert [n for n in made if made[n] != made_with_own[n]] == []


@pytest.mark.slow  # builds a programme
def test_tracked_changes_in_a_template_are_accepted_and_no_document_carries_them(small_source, tmp_path):
    found = []

    def revised(name: str, xml: str) -> str:
        if name == "word/document.xml":  # 基本情况 retyped as 总体情况 in 修订 mode, with a comment
            xml, n = re.subn(r"<w:r><w:t>一、基本情况</w:t></w:r>",
                             r'<w:r><w:t>一、</w:t></w:r><w:del w:id="901" w:author="县教育局"><w:r><w:delText>基本'
                             r'</w:delText></w:r></w:del><w:ins w:id="902" w:author="县教育局"><w:r><w:t>总体</w:t></w:r>'
                             r'</w:ins><w:r><w:t>情况</w:t></w:r><w:r><w:commentReference w:id="0"/></w:r>', xml)
            found.append(n)
        if name == "word/settings.xml":
            xml = xml.replace("<w:zoom ", "<w:trackRevisions/><w:zoom ")
        return xml

    templates = _resaved(tmp_path / "tpl", revised)
    assert sum(found) == 1  # (summary.docx)
    result = run("build", small_source, "-o", tmp_path / "out", "-k", "summary", "-t", templates)
    assert result.returncode in (0, 7), result.stderr
    summaries = sorted((tmp_path / "out").rglob("年度工作总结_*.docx"))
    assert summaries
    for path in summaries:
        with zipfile.ZipFile(path) as docx:
            body, settings = docx.read("word/document.xml"), docx.read("word/settings.xml")
        assert not re.search(rb"<w:(ins|del|delText|commentReference)\b", body)
        assert b"trackRevisions" not in settings
        text = all_text(Document(str(path)))
        assert "一、总体情况" in text and "基本情况" not in text


def test_docgens_own_templates_are_used_as_they_are():
    for template in sorted(TEMPLATE_DIR.glob("*.docx")):
        data = template.read_bytes()
        restored, done = restore(data, own(TEMPLATE_DIR, template.name))
        assert restored is data and not done


def test_a_style_of_the_clerks_on_an_identifier_docgen_needs_is_moved_aside(tmp_path):
    """A template where the clerk's own style holds ``Body`` while docgen's 公文正文 has become
    ``a1``: 公文正文 takes ``Body`` back, the clerk's style and its paragraphs another one."""
    def crossed(name: str, xml: str) -> str:
        xml = re.sub(r'(w:styleId|w:val)="Body"', r'\1="a1"', xml)
        if name == "word/styles.xml":
            xml = xml.replace("</w:styles>", '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Body">'
                                             '<w:name w:val="我的正文"/></w:style></w:styles>')
        return xml

    template = _resaved(tmp_path / "tpl", crossed) / "notice.docx"
    restored, done = restore(template.read_bytes(), own(TEMPLATE_DIR, "notice.docx"))
    with zipfile.ZipFile(io.BytesIO(restored)) as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert re.search(r'w:styleId="Body"><w:name w:val="公文正文"/>', styles)
    assert re.search(r'w:styleId="Body1"><w:name w:val="我的正文"/>', styles)
    assert done.styles == {"公文正文": "a1"}


@pytest.mark.slow  # builds a programme
def test_the_check_says_what_a_word_processors_save_changed_and_that_it_is_put_back(tmp_path):
    checked = check_dir(_resaved(tmp_path / "tpl", lambda n, x: _fixed_tables(n, _word_style_ids(n, x))))
    assert checked.findings == [] and len(checked.files) == 8
    notes = {note.template: note.message for note in checked.notes}
    assert "样式的标识（如“公文正文”被改为 a" in notes["plan.docx"] and "6 个表格被改为固定列宽" in notes["plan.docx"]


@pytest.mark.slow  # builds a programme
def test_a_bureau_keeps_only_the_templates_it_changed(small_source, tmp_path):
    """Only summary.docx in the bureau's folder: the other documents come from docgen's own
    templates (they failed with 找不到模板文件), and the check says which."""
    templates = _resaved(tmp_path / "tpl", lambda n, x: x.replace("一、基本情况", "一、总体情况"))
    for path in templates.iterdir():
        if path.name != "summary.docx":
            path.unlink()
    (templates / "notice.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    checked = check_dir(templates)
    assert [str(f) for f in checked.findings] == [
        "notice.doc  是旧版 Word 格式（.doc），docgen 不会使用：请在 Word 或 WPS 中“另存为”notice.docx"]
    assert any("plan.docx" in n.template and "docgen 自带的模板" in n.message for n in checked.notes)
    result = run("build", small_source, "-o", tmp_path / "out", "-t", templates)
    assert result.returncode in (0, 7), result.stderr
    made = {p.name.split("_")[0] for p in (tmp_path / "out").rglob("*.docx")}
    assert {"实施方案", "协议书", "年度工作总结"} <= made
    assert all("一、总体情况" in all_text(Document(str(p))) for p in (tmp_path / "out").rglob("年度工作总结_*.docx"))


@pytest.mark.parametrize("edit, words", [
    (lambda x: x.replace("{{ doc_no }}", "｛｛ doc_no ｝｝"), "“｛｛”“｝｝”是全角字符"),
    (lambda x: x.replace("{%p endif %}", "", 1), "没有与之配对的开头"),
])
def test_a_tag_mistyped_in_word_is_named_in_chinese(edit, words, tmp_path):
    templates = _resaved(tmp_path / "tpl", lambda n, x: edit(x) if n == "word/document.xml" else x)
    for path in templates.iterdir():
        if path.name != "notice.docx":
            path.unlink()
    findings = check_dir(templates).findings
    assert len(findings) == 1 and words in findings[0].message
    assert not re.search(r"[A-Za-z]{4,}", findings[0].message.replace("endif", "").replace("endfor", "")), findings[0]
