"""Every sentence traceable, and no obligation that the data does not state.

``docgen explain`` lists each paragraph and cell of a document with the origin of each run of
its text. The obligation-origin test walks every document of every example programme and
fails on any run that states an obligation — a duty verb, a period (每周, 每学年 …), a
requirement on a count (不少于3次) or a consequence (评优评先, 职称) — whose origin is a template
or docgen's code rather than the data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from docgen.documents.jobs import plan_jobs
from docgen.documents.kinds import built_kinds
from docgen.explain import Line, places, trace
from docgen.load import load_programme
from docgen.load.origins import FromData
from docgen.render import Renderer
from docgen.render.markers import strip
from tests.helpers import DATA, MINI_PAIRING, ROOT, run

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop

WORDING = ROOT / "tests" / "programmes" / "wording"
"""A programme written to state duties, blanks, terms and titles (tests/test_wording.py)."""

OBLIGATION = re.compile(
    r"每(周|月|季度|学期|学年|年|天|日|次)|定期"                       # a period
    r"|不少于|至少|不低于|不超过|不多于|[≥≤＞＜>]"                       # a requirement on a count
    r"|(\d+|[一二两三四五六七八九十]+)(次|项|篇|节|人次)"                 # a count of doings
    r"|应当|应该|必须|务必|须|负责(?!人)|承担|督促|确保|落实|报送|备案|提交|整改"  # a duty
    r"|评优|评先|职称评|绩效|奖惩")                                     # a consequence
"""What states an obligation. Form a template may carry (份数, 签字, 生效) matches none of it."""

REPORTING = {"summary"}
"""Kinds that report what was done against the commitments (counted from the records, and
restating the commitments to count them): their context text is the counting code's, so only
their template's own words are checked here."""


def invented(lines, kind: str) -> list[str]:
    """The runs of ``lines`` that state an obligation and do not come from the data."""
    out = []
    for line in lines:
        for text, origin in line.runs:
            if isinstance(origin, FromData) or (kind in REPORTING and origin is not None):
                continue
            found = OBLIGATION.search(text)
            if found:
                where = f"模板 {line.template}" if origin is None else f"程序 {origin.file}:{origin.line}"
                out.append(f"{line.place}“{text}”（{found.group()}；{where}）")
    return out


def _jobs(root: Path, tmp: Path):
    loaded = load_programme(root)
    assert loaded.buildable, loaded.problems
    return plan_jobs(loaded, built_kinds(), tmp)


@pytest.mark.parametrize("programme", sorted(p.parent.name for p in DATA.glob("*/programme.yaml")) + ["wording"])
def test_no_document_states_an_obligation_the_data_does_not(programme, examples, tmp_path):
    """On the code before issue 16 this fails on every programme: the agreements' 每学年末开展自评,
    the letters' 每学期形成一份管理改进小结 and 作为评优评先、职称评聘的参考, duties composed from the
    counting fields (每学年…不少于1次) and the 报…备案 rule written by the code."""
    renderer = Renderer()
    found = []
    for job in _jobs(WORDING if programme == "wording" else examples / programme, tmp_path):
        found += [f"{job.path.name}：{x}" for x in invented(trace(job, renderer), job.kind.name)]
    assert not found, "\n".join(found[:40])


def test_the_check_catches_an_obligation_written_by_a_template(tmp_path):
    """The test above can fail: a template clause with a period, a code default with a count."""
    job = next(j for j in _jobs(WORDING, tmp_path) if j.kind.name == "agreement")
    lines = trace(job, Renderer())
    planted = lines + [Line("第99段", [("双方于每学年末开展自评。", None)], "agreement.docx")]
    assert invented(planted, "agreement") == ["第99段“双方于每学年末开展自评。”（每学年；模板 agreement.docx）"]


def test_explain_reads_exactly_like_the_document(examples, tmp_path):
    """The marked rendering, marks removed, is the document: paragraph for paragraph, cell for
    cell, for one document of every kind of every programme."""
    renderer = Renderer()
    roots = [examples / p for p in ("gaotai-2020", "hongsibu-2023", "sichuan-2025", "yichun-2022")] + [WORDING]
    for root in roots:
        seen = set()
        for job in _jobs(root, tmp_path):
            if job.kind.name in seen:
                continue
            seen.add(job.kind.name)
            plain = renderer.render(job.template, job.kind.context(job.scope))
            lines = trace(job, renderer, on_disk=plain)
            assert [x.place for x in lines if x.on_disk is not None] == [], job.path.name
            assert [t for _, t in places(plain)] == [x.text for x in lines]


PRINTED_OTHERWISE = {"years", "start", "end", "signed_on", "confirmed_on", "target", "comparator", "year", "points",
                     "no", "date", "month", "deadline"}
"""Fields printed in another form than written: numbers in Chinese, dates as 2023年1月1日, ≥ as 不低于."""


def test_every_data_run_points_at_its_line(tmp_path):
    """A data run names the file and line that holds exactly that value."""
    checked = 0
    for job in _jobs(WORDING, tmp_path):
        for line in trace(job, Renderer()):
            for text, origin in line.runs:
                if isinstance(origin, FromData):
                    source = Path(origin.path).read_text("utf-8").splitlines()[origin.line - 1]
                    probe = strip(text).replace("\n", "")[:4]
                    field = re.sub(r"\[.*?\]", "", origin.field).rsplit(".", 1)[-1]
                    if field in PRINTED_OTHERWISE or not probe:
                        continue
                    assert probe in source, (job.path.name, line.place, text, origin)
                    checked += 1
    assert checked > 100


KIND_FILES = {"通知", "实施方案", "协议书", "校级领导责任书", "管理帮扶责任书", "教研组责任书", "师徒带教协议", "年度工作总结"}
"""The files of each kind, by name (the wording programme calls its teachers' letter 师徒带教协议)."""


def test_docgen_explain_on_every_kind(examples, tmp_path):
    """docgen explain on a built file of each kind: one line per paragraph and cell, with its
    origin in Chinese; a file edited by hand is flagged where it differs."""
    out = tmp_path / "out"
    assert run("build", WORDING, "-o", out).returncode == 0
    docs = sorted((out / "wording").rglob("*.docx"))
    assert {p.name.split("_")[0] for p in docs} == KIND_FILES
    for doc in docs:
        result = run("explain", doc, "-d", WORDING)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert "由" in lines[0] and "生成" in lines[0]
        body = [x for x in lines[1:] if x.startswith(("第", "表"))]
        assert body and all("〔来源：" in x for x in body)
        assert "与按当前数据生成的内容不一致" not in result.stdout
    assert run("report", examples / "sichuan-2025", "-o", out).returncode == 0
    report = next((out / "sichuan-2025" / "report").glob("考核汇总_*.docx"))
    explained = run("explain", report, "-d", examples)
    assert explained.returncode == 0 and "考核汇总表" in explained.stdout.splitlines()[0], explained.stderr
    assert "与按当前数据生成的内容不一致" not in explained.stdout
    agreement = next(d for d in docs if d.name.startswith("协议书"))
    result = run("explain", agreement, "-d", WORDING)
    assert "数据 " in result.stdout and "programme.yaml 第" in result.stdout and "模板 agreement.docx 的固定文字" in result.stdout
    doc = Document(str(agreement))
    doc.paragraphs[-3].text = doc.paragraphs[-3].text + "（手工加的字）"
    edited = tmp_path / "edited" / "wording" / agreement.parent.name / agreement.name
    edited.parent.mkdir(parents=True)
    doc.save(str(edited))
    flagged = run("explain", edited, "-d", WORDING)
    assert flagged.returncode == 0 and "手工加的字" in flagged.stdout and "与文件不一致" in flagged.stdout


def test_explain_refuses_a_file_it_did_not_make(tmp_path, make_programme):
    stranger = tmp_path / "别人的.docx"
    Document().save(str(stranger))
    root = make_programme(pairings={"p1": MINI_PAIRING})
    result = run("explain", stranger, "-d", root)
    assert result.returncode != 0 and "找不到生成" in result.stderr
