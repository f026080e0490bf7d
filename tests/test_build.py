"""docgen build on the examples: the documents exist and are real official documents."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.helpers import all_text, effective_ppr, effective_run, run


def docs(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def test_yichun_documents_exist(built):
    root = built / "yichun-2022"
    assert len(docs(root, "通知_*.docx")) == 1
    assert len(docs(root, "实施方案_*.docx")) == 1
    assert len(docs(root, "*/协议书_*.docx")) == 15
    pairing_dirs = [d for d in root.iterdir() if d.is_dir() and d.name != "bundles"]
    assert len(pairing_dirs) == 14
    for d in pairing_dirs:
        assert len(docs(d, "实施方案_*.docx")) == 1
        assert not docs(d, "*责任书_*.docx")  # seed 000 asks the pairs for a 工作方案 and a 协议, no letters


def test_gaotai_documents_exist(built):
    root = built / "gaotai-2020"
    assert not docs(root, "*/协议书_*.docx")  # seed 001 asks for no agreements
    assert len(docs(root, "*/实施方案_*.docx")) == 6
    assert len(docs(root, "*/学校管理帮扶责任书_*.docx")) == 14  # the name the programme gives the letter
    assert len(docs(root, "*/教师结对帮扶责任书_*.docx")) == 14
    assert docs(root, "chengguan/年度工作总结_2020年度.docx")


def test_every_document_is_clean_and_gbt9704_shaped(built):
    files = docs(built, "**/*.docx")
    assert len(files) > 80  # 87 made by docgen build (their copies in the bundles were counted once too)
    for path in files:
        doc = Document(str(path))
        text = all_text(doc)
        assert "{{" not in text and "{%" not in text and "}}" not in text, path
        assert "None" not in text, path
        section = doc.sections[0]
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
        assert abs(section.top_margin.twips - 2098) <= 57 and abs(section.bottom_margin.twips - 1984) <= 57
        assert abs(section.left_margin.twips - 1587) <= 57 and abs(section.right_margin.twips - 1474) <= 57
        body = [p for p in doc.paragraphs if p.style.style_id == "Body" and p.text.strip()]
        assert body, path
        font, size, _ = effective_run(doc, body[0], body[0].runs[0])
        assert (font, size) == ("仿宋_GB2312", 32), path
        spacing = effective_ppr(doc, body[0], "w:spacing")
        line = int(spacing.get(qn("w:line")))
        # 28.95 pt; a notice's first page may be brought to 26 pt to keep its signatures (GB/T 9704 7.3.5.5)
        assert (line == 579 or (path.name.startswith("通知_") and 520 <= line < 579)) and \
            spacing.get(qn("w:lineRule")) == "exact", path
        xml = zipfile.ZipFile(path).read("word/document.xml").decode() + zipfile.ZipFile(path).read("word/styles.xml").decode()
        assert "Theme=" not in xml and "asciiTheme" not in xml, path  # no theme fonts anywhere


def test_notice(built):
    path = built / "yichun-2022" / "通知_宜教体字〔2022〕38号.docx"
    doc = Document(str(path))
    mark = next(p for p in doc.paragraphs if p.style.style_id == "IssuerMark")
    assert mark.text == "宜春市教育体育局文件"
    font, size, color = effective_run(doc, mark, mark.runs[0])
    assert color == "FF0000" and font == "方正小标宋简体" and size <= 72
    doc_no = next(p for p in doc.paragraphs if p.style.style_id == "DocNo")
    assert doc_no.text == "宜教体字〔2022〕38号"
    rule = effective_ppr(doc, doc_no, "w:pBdr").find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    texts = [p.text for p in doc.paragraphs]
    lines = all_text(doc).split("\n")
    assert "（此件主动公开）" in lines
    # 附注 follows the date, which seed 000 does not give: left to fill in
    assert re.fullmatch("\u3000+年\u3000+月\u3000+日\u3000*", lines[lines.index("（此件主动公开）") - 1])
    assert any(t.endswith("各市直高中学校：") for t in texts)
    assert "附件：宜春市县域普通高中结对帮扶学校名单" in texts
    assert any("聂爱武" in t and "ycjjk@163.com" in t for t in texts)
    label = next(p for p in doc.paragraphs if p.style.style_id == "AttachmentLabel")
    assert label.text == "附件"
    # the pair list: header plus 15 pairs, grouped by county as in seed 000
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "县市区")
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["县市区", "支援学校", "受援学校", "备注"]
    assert len(rows) == 16
    assert rows[1] == ["袁州区/市直", "宜春中学", "宜春十中", "市直学校帮扶区属学校"]
    assert rows[14][2] == "万载县株潭中学" and rows[14][:2] == rows[13][:2] == ["万载县", "万载中学"]
    merged = [tc.tcPr.find(qn("w:vMerge")) for tc in (table.rows[13]._tr.tc_lst[0], table.rows[14]._tr.tc_lst[0])]
    assert merged[0].get(qn("w:val")) == "restart" and merged[1].get(qn("w:val")) in (None, "continue")
    assert {r[2] for r in rows[1:]} >= {"靖安中学", "奉新四中", "铜鼓中学", "宜春实验中学"}
    header_row = table.rows[0]._tr
    assert header_row.trPr is not None and header_row.trPr.find(qn("w:tblHeader")) is not None
    width = sum(int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol")))
    assert width <= 8845  # inside the type area
    # the plan follows the notice (印发 form)
    assert "宜春市县域普通高中结对帮扶工作方案" in texts
    # 版记: framed on the bottom of the last page, thick rules outside
    colophon = [p for p in doc.paragraphs if p.style.style_id == "Colophon"]
    assert [p.text for p in colophon] == ["\u3000" * 8 + "\t" + "\u3000" * 4 + "年\u3000\u3000月\u3000\u3000日印发"]  # not in seed 000
    frame = colophon[0]._p.pPr.find(qn("w:framePr"))
    assert frame is not None and frame.get(qn("w:yAlign")) == "bottom"
    borders = colophon[0]._p.pPr.find(qn("w:pBdr"))
    assert [borders.find(qn(f"w:{e}")).get(qn("w:sz")) for e in ("top", "bottom")] == ["8", "8"]


def test_page_numbers_odd_right_even_left(built):
    doc = Document(str(built / "yichun-2022" / "实施方案_宜春市县域普通高中结对帮扶工作方案.docx"))
    settings = doc.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert "PAGE" in odd._p.xml
    assert effective_ppr(doc, odd, "w:jc").get(qn("w:val")) == "right"
    assert effective_ppr(doc, even, "w:jc").get(qn("w:val")) == "left"
    assert effective_run(doc, odd)[:2] == ("宋体", 28)


def test_agreement_leaves_its_dates_to_the_pair(built):
    path = built / "yichun-2022" / "wanzai" / "协议书_万载中学—万载县株潭中学.docx"
    text = all_text(Document(str(path)))
    assert "甲方（支援学校）：万载中学" in text and "乙方（受援学校）：万载县株潭中学" in text
    assert "甲方（盖章）：" in text and "负责人（签字）：" in text
    # seed 000: three years, the dates agreed by each pair and written in its agreement
    # (a line break may stand before the second date: a blank date form is not cut by a line's end)
    assert "自\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日起至\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日止，为期3年" in \
        text.replace("起至\n", "起至")
    assert "宜教体字〔2022〕38号" in text
    assert "不少于3个学科、5人次" in text  # the commitment's numbers
    confirmation = text[text.index("主管教育行政部门确认："):]
    assert "教育体育局" not in confirmation and "（盖章）" not in confirmation  # the seed names no county bureau


def test_cross_county_agreement_has_two_bureaus(built):
    doc = Document(str(built / "yichun-2022" / "fengxin-jingan" / "协议书_奉新一中—靖安中学.docx"))
    text = all_text(doc)
    confirmation = text[text.index("主管教育行政部门确认："):]
    assert confirmation.count("年\u3000\u3000月\u3000\u3000日") == 2  # two bureaus confirm, names left to fill
    assert "一式四份" in text


def test_teacher_letter_counts_from_commitments(built):
    letter = docs(built / "gaotai-2020" / "chengguan", "教师结对帮扶责任书_*.docx")[0]
    text = all_text(Document(str(letter)))
    assert "每学期，结对教师至少开展10次教育教学交流" in text


def test_summary_uses_the_schools_text_and_the_records(built):
    doc = Document(str(built / "gaotai-2020" / "chengguan" / "年度工作总结_2020年度.docx"))
    text = all_text(doc)
    assert "2020年度" in text and "一、基本情况" in text and "四、下一步打算" in text
    assert "教导处主任两次到南华初中，指导教学常规检查和新学期教学计划、制度修订。" in text
    assert "2020年12月18日" in text
    assert "截至2020年12月18日，本年度共记录帮扶活动69次" in text
    assert "考核自评" not in text  # seed 001 has the bureau assess; it asks for no self-assessment


def test_summary_without_records_leaves_a_clear_place(tmp_path):
    result = run("build", "data/gaotai-2020", "-o", str(tmp_path), "-k", "summary", "-p", "xijie", "-y", "2020")
    assert result.returncode == 0, result.stderr
    text = all_text(Document(str(next(tmp_path.rglob("年度工作总结_*.docx")))))
    assert "活动统计待补充" in text and "【待填写" in text


@pytest.mark.slow  # two builds of a pairing: seconds
def test_same_input_gives_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("build", "data/gaotai-2020", "-o", str(a), "-p", "chengguan").returncode == 0
    assert run("build", "data/gaotai-2020", "-o", str(b), "-p", "chengguan").returncode == 0
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.docx"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.docx")) and files_a
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_source_date_epoch_is_honoured(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    assert run("build", "data/gaotai-2020", "-o", str(tmp_path), "-k", "pairing_plan", "-p", "sanzhong", env=env).returncode == 0
    path = next(tmp_path.rglob("*.docx"))
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core
    assert all(i.date_time == (2023, 11, 14, 22, 13, 20) for i in zipfile.ZipFile(path).infolist())


def test_file_names_name_the_schools_and_are_safe(built):
    names = [p.name for p in built.rglob("*.docx")]
    assert "协议书_万载中学—万载县第二中学.docx" in names
    assert all(not re.search(r'[\\/:*?"<>|]', n) for n in names)
