"""The defects found in the first bundles (issue: sealed bundles a bureau can submit), one
test each, measured on what docgen makes now. Rules the preflight measures on every page
(blank pages, signature-only pages, seals outside the type area or over a page number,
tables spilling one row, titles broken inside a word, the red rule's distance) are asserted
for every example bundle in test_preflight.py, which also shows each rule failing on the
defect it looks for."""
from __future__ import annotations

import json
import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from docgen.preflight.check import pages_of
from tests.conftest import needs_libreoffice, signed
from tests.helpers import all_text, run


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def _pdf(folder):
    """The bundle's merged PDF, as its manifest names it."""
    return folder / json.loads((folder / "manifest.json").read_text("utf-8"))["pdf"]["path"]


@needs_libreoffice
def test_the_summary_chart_survives_composition(gaotai_bundles):
    """图1 was in the .docx and lost from every bundle PDF."""
    folder = gaotai_bundles[0] / "chengguan"
    pages = pages_of(_pdf(folder))
    captions = [k for k, page in enumerate(pages) for line in page.lines() if "".join(g.char for g in line).startswith("图1")]
    assert captions
    for k in captions:
        pictures = [im for im in pages[k].images if not im.name.startswith("/DocgenSeal")]
        assert pictures and all(im.x1 - im.x0 > 200 for im in pictures), k


@needs_libreoffice
def test_names_wrapping_in_their_cell_are_still_sealed(example_copy, tmp_path):
    """A name that wraps (南华镇中心小学及各校区) used to get no seal at all."""
    folder = signed(example_copy("gaotai-2020"))
    programme = folder / "programme.yaml"  # agreements (seed 001 has none) give the name a cell of its own
    programme.write_text(programme.read_text("utf-8").replace("documents: [pairing_plan,", "documents: [pairing_plan, agreement,"),
                         "utf-8")
    path = folder / "pairings" / "chengguan.yaml"  # its 负责人 named, the agreement is complete and sealed
    path.write_text(path.read_text("utf-8").replace("    campuses: 及各校区\n", "    campuses: 及各校区\n"
                                                    "    lead: {name: 某某某, position: 校长}\n", 1), "utf-8")
    out = tmp_path / "out"
    assert run("bundle", folder, "-o", out, "-p", "chengguan").returncode in (0, 7)
    m = _manifest(out / "gaotai-2020" / "bundles" / "chengguan")
    sealed = {(s["document"], s["party"]) for s in m["seals"]}
    assert ("城关初中与南华镇中心小学及各校区结对帮扶协议书", "南华镇中心小学及各校区") in sealed
    assert not [s for s in m["seals_missing"] if s["reason"] == "未找到签署位置"]


@needs_libreoffice
def test_a_draft_is_never_sealed(example_copy, tmp_path):
    """A summary with text still to write is bundled unsealed, named, and the run fails (7)."""
    folder = signed(example_copy("gaotai-2020"))  # dated, so that only what is unfinished stays unsealed
    path = folder / "pairings" / "sanzhong.yaml"
    path.write_text(re.sub(r"\nsummaries:.*", "\n", path.read_text("utf-8"), flags=re.S), "utf-8")
    out = tmp_path / "out"
    result = run("bundle", folder, "-o", out, "-p", "sanzhong")
    assert result.returncode == 7, result.stdout + result.stderr
    assert "年度工作总结_2020年度.docx" in result.stderr
    assert "待填写：主要做法与成效（pairings/sanzhong.yaml 中 summaries 的 2020 年度 achievements）" in result.stderr
    m = _manifest(out / "gaotai-2020" / "bundles" / "sanzhong")
    summary = next(d["title"] for d in m["pdf"]["documents"] if d["family"] == "summary")
    plan = next(d["title"] for d in m["pdf"]["documents"] if d["family"] == "plan")  # its 计划表 is to fill in too
    assert [u["document"] for u in m["unfinished"]] == [plan, summary]
    assert not [s for s in m["seals"] if s["document"] == summary]
    assert {s["reason"] for s in m["seals_missing"] if s["document"] == summary} == {"文件有草稿或待填写内容"}
    assert [s for s in m["seals"] if s["document"] not in (plan, summary)]  # the finished documents are sealed


def test_no_placeholder_leads(built):
    """负责人（待定） used to be printed, and sealed, where the data names no lead."""
    for path in built.rglob("*.docx"):
        text = all_text(Document(str(path)))
        assert "待定" not in text, path.name


def test_rubric_rows_are_numbered_and_grouped(built):
    """The rubric's 备注 refers to 第1至8项: the rows carry their numbers, 项目 is one merged
    cell per group, and no header breaks inside a word."""
    doc = Document(str(built / "gaotai-2020" / "实施方案_高台县2020年中小学结对帮扶工作实施方案.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "项目")
    assert [c.text for c in table.rows[0].cells] == ["项目", "考核要素", "考核细则", "查阅资料", "上报\n时间", "得分"]
    items = [row.cells[1].text for row in table.rows[1:]]
    assert items[0] == "1.组织管理（10分）" and items[-1] == "10.加分项（5分）"
    first = [row._tr.tc_lst[0] for row in table.rows[1:3]]  # 组织管理: items 1 and 2
    merges = [tc.tcPr.find(qn("w:vMerge")) for tc in first]
    assert merges[0].get(qn("w:val")) == "restart" and merges[1] is not None
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_monthly_plan_groups_months_in_merged_cells(built):
    doc = Document(str(built / "gaotai-2020" / "chengguan" / "实施方案_城关初中与南华初中、南华镇中心小学、明水小学.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "月份")
    months = [row.cells[0].text for row in table.rows[1:]]
    assert months[:3] == ["三月", "三月", "四月"]  # one merged cell over both of March's rows
    assert table.rows[2]._tr.tc_lst[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) in (None, "continue")


@pytest.mark.parametrize("kind", ["agreement", "management_letter", "plan"])
def test_seals_have_their_own_row_clear_of_handwriting(built, kind):
    """A seal used to cover 甲方（签字）：, where a person signs by hand: the names a seal
    presses stand in a row of their own, as tall as a seal, below any line to sign on."""
    pattern = {"agreement": "协议书_*.docx", "management_letter": "*管理帮扶责任书_*.docx", "plan": "实施方案_*与*.docx"}[kind]
    folder = built / ("yichun-2022/wanzai" if kind == "agreement" else "gaotai-2020/chengguan")  # 001 has no agreements
    path = next(folder.glob(pattern))
    doc = Document(str(path))
    names = [p for p in doc.element.body.iter(qn("w:p"))
             if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None and s.get(qn("w:val")) == "SignName"]
    assert names
    for p in names:
        row = p.getparent().getparent()
        height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
        assert int(height.get(qn("w:val"))) >= 2300 and height.get(qn("w:hRule")) == "exact"  # 4 lines, a 42 mm seal
        assert "签字" not in "".join(t.text or "" for t in row.iter(qn("w:t")))


@needs_libreoffice
def test_a_colophon_with_copies_to_sits_on_the_bottom_with_its_rules(tmp_path):
    """A notice whose last attachment is text and whose 版记 has 抄送 printed the 版记 inline under
    that text, without rules: LibreOffice joins framed paragraphs only when their borders match."""
    from docgen.authoring.specimen import write_specimen

    root = write_specimen(tmp_path / "specimen", 2, 2)
    result = run("build", root, "-o", tmp_path / "out", "-k", "notice", "--pdf")
    assert result.returncode == 0, result.stderr  # the preflight's 版记 rule included
    last = pages_of(next((tmp_path / "out").rglob("通知_示教字〔2022〕9号.pdf")))[-1]
    rules = sorted(last.top(r.y0) for r in last.rules if r.x1 - r.x0 > 400)
    lines = {"".join(g.char for g in line): last.top(line[0].y) for line in last.lines()}
    copies = next(y for text, y in lines.items() if text.startswith("抄送"))
    printed = next(y for text, y in lines.items() if text.endswith("印发"))
    assert len(rules) == 3 and abs(rules[-1] - 742.7) < 2  # thick, thin, thick; the last on the type area's edge
    assert rules[0] < copies < rules[1] < printed < rules[2]
