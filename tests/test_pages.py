"""Issue 19 §3: smaller things seen on the pages, each measured on what docgen makes.

- a notice whose signature area fits on its first page once the lines are brought closer
  (GB/T 9704 7.3.5.5) keeps it there;
- rare characters of a title and of the red 发文机关标志 are as heavy as the rest;
- the roll-up's Word annex takes its column widths from its content;
- build --pdf, bundle and check-pdf give the same verdict on the same document, drafts
  included.
"""
from __future__ import annotations

import re
import shutil
import textwrap
import zipfile
from itertools import pairwise
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from docgen.geometry import TEXT_W
from docgen.preflight.check import check_document, pages_of
from docgen.text import display_width, glued_words
from tests.conftest import needs_libreoffice
from tests.helpers import DATA, run

NOTICE = """\
title: 测试县结对帮扶工作方案
bureau:
  name: {bureau}
  doc_code: 测教字
  contact: {{name: 张某某, phone: "1234567"}}
cycle:
  start: 2022-09-01
notices:
  - id: issue-plan
    doc_no: 测教字〔2022〕5号
    date: 2022-10-10
    title: {title}
    addressees: [各乡镇中心学校, 县直各学校]
    body:
      - 为推动城乡义务教育优质均衡发展，决定开展结对帮扶工作。{more}
    remark: 此件主动公开
"""


def _programme(root: Path, bureau: str = "测试县教育局", title: str = "关于开展城乡学校结对帮扶工作的通知",
               more: str = "") -> Path:
    (root / "pairings").mkdir(parents=True)
    (root / "programme.yaml").write_text(NOTICE.format(bureau=bureau, title=title, more=more), "utf-8")
    (root / "pairings" / "p1.yaml").write_text(textwrap.dedent("""\
        county: 测试县
        supporter:
          name: 甲中学
          lead: {name: 王某某, position: 校长}
        recipients:
          - name: 乙中学
        """), "utf-8")
    return root


@needs_libreoffice
def test_a_notice_tightens_its_first_page_rather_than_moving_its_signature(tmp_path):
    """With two lines of body, the head, the signature area, its 附注 and the 版记 run over
    page 1 by less than a line: the lines are brought closer (down to 26 pt) and it all
    stays on one page, as GB/T 9704 7.3.5.5 asks before anything is moved."""
    root = _programme(tmp_path / "notice", more="\n      - 请各学校结合实际认真组织实施。")
    result = run("build", root, "-o", tmp_path / "out", "-k", "notice", "--pdf")
    assert result.returncode == 0, result.stderr
    pdf = next((tmp_path / "out").rglob("通知_*.pdf"))
    pages = pages_of(pdf)
    assert len(pages) == 1
    text = ["".join(g.char for g in line) for line in pages[0].lines()]
    assert "测试县教育局" in text and "2022年10月10日" in text and "（此件主动公开）" in text
    body = [line[0].y for line in pages[0].lines() if abs(line[0].size - 16) < 0.1]
    gaps = {round(a - b, 1) for a, b in pairwise(body) if a - b < 40}
    assert gaps and all(26 <= g < 28.9 for g in gaps), gaps  # closer than 28.95, not below 26
    assert [f for r in check_document(pdf, "通知", "notice") for f in r.findings if not f.warning] == []


RARE_MARK, RARE_TITLE = "堃城县教育局", "关于开展喆溪乡与珺城镇学校结对帮扶工作的通知"


@needs_libreoffice
def test_rare_characters_of_the_mark_and_the_title_are_as_heavy_as_the_rest(tmp_path):
    """喆 堃 珺 are not in the Fandol 宋体: in the red mark and the title they come from Noto
    Serif CJK SC Bold, never from the thin 明体 (AR PL UMing)."""
    root = _programme(tmp_path / "rare", bureau=RARE_MARK, title=RARE_TITLE)
    result = run("build", root, "-o", tmp_path / "out", "-k", "notice", "--pdf")
    assert result.returncode == 0, result.stderr
    pdf = next((tmp_path / "out").rglob("通知_*.pdf"))
    heavy = ("FandolSong-Bold", "NotoSerifCJKsc-Bold")
    large = [g for g in pages_of(pdf)[0].glyphs if g.size > 20 and g.char.strip()]
    rare = [g for g in large if g.char in "喆堃珺"]
    assert sorted(g.char for g in rare) == sorted("堃喆珺")
    assert all(g.font.endswith(heavy) for g in large), {(g.char, g.font) for g in large if not g.font.endswith(heavy)}
    assert [f for r in check_document(pdf, "通知", "notice") for f in r.findings if not f.warning] == []


def test_the_roll_up_annex_has_column_widths_from_its_content(tmp_path):
    """The annex's 备注 column was 12.8 mm (3 pairings, 5 pages): now every column holds its
    longest word, a short value on one line, and the notes get the room the numbers do not
    need, the table as wide as the type area."""
    result = run("report", DATA / "gaotai-2020", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    docx = next(tmp_path.rglob("考核汇总_*.docx"))
    table = Document(str(docx)).tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(grid) == TEXT_W
    header = [c.text for c in table.rows[0].cells]
    assert header[-1] == "备注" and grid[-1] >= 1417  # 25 mm at least
    for row in table.rows[1:]:
        for width, cell in zip(grid, row.cells, strict=False):
            text = cell.text.strip()
            if not text:
                continue
            longest = text if display_width(text) <= 4 else max(glued_words(text), key=display_width)
            assert width - 170 >= display_width(longest) * 240 - 1, (text, width)


@needs_libreoffice
def test_every_command_gives_the_same_verdict_on_a_draft(tmp_path):
    """A draft summary set in the wrong size (a bureau's template, its body text changed from
    三号 to 小三 in Word): build
    --pdf, bundle and check-pdf all report it, the same way (bundle used to say only that the
    summary was a draft)."""
    folder = tmp_path / "gaotai"
    shutil.copytree(DATA / "gaotai-2020", folder)
    path = folder / "pairings" / "sanzhong.yaml"
    path.write_text(re.sub(r"\nsummaries:.*", "\n", path.read_text("utf-8"), flags=re.S), "utf-8")
    templates = tmp_path / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", templates)
    _resize_body(templates / "summary.docx", 30)
    built = run("build", folder, "-o", tmp_path / "built", "-p", "sanzhong", "-k", "summary", "-y", "2020", "--pdf",
                "-t", templates)
    bundled = run("bundle", folder, "-o", tmp_path / "bundled", "-p", "sanzhong", "-t", templates)
    checked = run("check-pdf", tmp_path / "bundled" / "gaotai" / "bundles" / "sanzhong")
    assert built.returncode == bundled.returncode == checked.returncode == 8
    assert "仍有草稿或待填写的内容" in bundled.stderr  # the draft is said too

    def summary_findings(stderr: str) -> set[str]:
        return {m.group(1) for m in re.finditer(r"结对帮扶工作总结 (第[\d、]+页【[^】]+】.*)", stderr)}

    assert summary_findings(built.stderr)
    assert summary_findings(built.stderr) == summary_findings(bundled.stderr) == summary_findings(checked.stderr)
    assert any("正文字号" in f for f in summary_findings(built.stderr))


def _resize_body(template: Path, half_points: int) -> None:
    """The template with its body paragraphs ({{ para }}) set at ``half_points``, as a clerk
    does it in Word: on the text, not in the style."""
    data = {}
    with zipfile.ZipFile(template) as zf:
        for name in zf.namelist():
            data[name] = zf.read(name)
    body = data["word/document.xml"].decode()
    body, count = re.subn(r"<w:r>(<w:t[^>]*>\{\{ para \}\}</w:t>)",
                          rf'<w:r><w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>\1', body)
    assert count, "no {{ para }} in the template"
    data["word/document.xml"] = body.encode()
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, part in data.items():
            zf.writestr(name, part)


def test_the_first_page_estimate_breaks_lines_as_the_converter_does():
    """The estimate behind the first-page remedy breaks the 宜春 notice's paragraph where
    LibreOffice does (measured on its PDF: 26 + 28 + 27 characters, then “版）。” alone:
    Latin words stay whole, a number or a Latin word gets a little space on each side)."""
    from docgen.geometry import TEXT_W
    from docgen.render.fit import line_count

    text = ("现将《宜春市县域普通高中结对帮扶工作方案》印发给你们，请认真贯彻落实。各地开展县域普通高中结对帮扶工作的情况，"
            "请于11月30日前报送市教体局（Word版和加盖公章的PDF版）。")
    assert line_count(text, TEXT_W, 640, 32, -5) == 4
    assert line_count("联系人：聂爱武；电话：3998129；邮箱：ycjjk@163.com。", TEXT_W, 640, 32, -5) == 1


def _pdf_lines(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's lines as (text, left, right), top to bottom."""
    out = []
    for page in pages_of(pdf):
        out.append([("".join(g.char for g in line), line[0].x, max(g.x + g.width for g in line))
                    for line in page.lines()])
    return out


@needs_libreoffice
def test_a_line_to_fill_in_ends_at_the_end_of_its_line(data_pdfs):
    """changsha nc-01's agreement: “一定时期内达到的阶段性目标：” and its line to write on ran
    over its line and left “＿＿” alone on the next (and that line pushed 七、附则 and the
    signatures to page 3, leaving page 2 half empty). Every line to fill in now ends at the
    type area's right edge, no line holds only the stub of one, and the signatures stay on
    page 2 with 七、附则."""
    code, out, stderr = data_pdfs("changsha-huaihua-2015", "-p", "nc-01", "-k", "agreement")
    assert code in (0, 7), stderr
    pdf = sorted(out.rglob("协议书_*.pdf"))[0]
    pages = _pdf_lines(pdf)
    lines = [line for page in pages for line in page]
    fills = [line for line in lines if line[0].endswith("___")]
    labels = ["对口支援的时间", "对口支援的内容和项目", "具体实施办法", "一定时期内达到的阶段性目标"]
    assert [next(label for label in labels if text.startswith(label)) for text, _, _ in fills] == labels
    assert all(abs(right - 521.6) < 4 for _, _, right in fills), fills
    assert not [text for text, _, _ in lines if text and set(text) <= set("＿_ ")]  # no stub alone
    assert len(pages) == 2 and any(text.startswith("七、附则") for text, _, _ in pages[1])


@needs_libreoffice
def test_a_blank_date_form_in_running_text_stays_whole(data_pdfs):
    """The same agreement broke its period “自　　　　年　　月　　日起至　　　　年／月　　日止”
    at the line's end: the second date now starts the next line whole, its year's blanks
    before 年 (the line before stops short, not letter-spaced), and the preflight finds no
    date split."""
    code, out, stderr = data_pdfs("changsha-huaihua-2015", "-p", "nc-01", "-k", "agreement")
    assert code in (0, 7), stderr
    pdf = sorted(out.rglob("协议书_*.pdf"))[0]
    lines = [line for page in pages_of(pdf) for line in page.lines()]
    at = next(k for k, line in enumerate(lines) if "".join(g.char for g in line).startswith("本协议帮扶期限自"))
    first, second = ["".join(g.char for g in line) for line in lines[at:at + 2]]
    assert first == "本协议帮扶期限自年月日起至" and second.startswith("年月日止")
    assert lines[at + 1][0].x > 79.4 + 3.5 * 15.75  # four blanks of the year before 年
    gaps = [b.x - a.x for a, b in pairwise(lines[at]) if "\u4e00" <= a.char <= "\u9fff"]
    assert max(gaps[:6]) < 16.5  # 本协议帮扶期限 not spread apart
    findings = [f for r in check_document(pdf, "协议书", "agreement") for f in r.findings]
    assert not [f for f in findings if f.rule in ("空白日期", "填写线", "半页空白")]


@needs_libreoffice
def test_the_yichun_notice_keeps_its_signature_on_its_first_page(data_pdfs):
    """The 宜春 notice (issue 19 §3): its first page was half empty, the contact line, 署名,
    成文日期 and 附注 moved to page 2. Measured: the block is six lines (the contact line, the
    seal's two lines, 署名, 日期, 附注), page 1 had 3.9 lines left under a body paragraph
    ending in “PDF版）。” alone; lines alone would have to come to 24.6 pt. GB/T 9704 7.3.5.5
    adjusts 行距 and 字距: that paragraph is set 1 pt closer (its last line comes in) and the
    lines 26.3 pt apart, and all of it stays on page 1."""
    code, out, stderr = data_pdfs("yichun-2022", "-k", "notice")
    assert code in (0, 7), stderr
    pdf = next(out.rglob("通知_*.pdf"))
    first = pages_of(pdf)[0]
    text = ["".join(g.char for g in line) for line in first.lines()]
    assert "宜春市教育体育局" in [t.strip() for t in text] and "（此件主动公开）" in text
    assert any(t.startswith("联系人：") for t in text) and any(t.endswith("版）。") and len(t) > 20 for t in text)
    body = [line for line in first.lines() if abs(line[0].size - 16) < 0.1 and line[0].y < 400]
    gaps = {round(a[0].y - b[0].y, 1) for a, b in pairwise(body) if a[0].y - b[0].y < 40}
    assert gaps and all(26 <= g < 28.9 for g in gaps), gaps
    closest = min(b.x - a.x for line in first.lines() for a, b in pairwise(line)
                  if abs(a.size - 16) < 0.1 and "\u4e00" <= a.char <= "\u9fff" and "\u4e00" <= b.char <= "\u9fff")
    assert closest >= 14.9  # 1 pt closer at most: 15 pt from one character to the next
    assert [f for r in check_document(pdf, "通知", "notice") for f in r.findings if not f.warning] == []


@needs_libreoffice
def test_an_attachment_note_keeps_with_the_body(tmp_path):
    """hongsibu's plan: its last page of body was full, and “附件：…任务清单” stood alone on the
    next page. GB/T 9704 7.3.4 sets it under the body: it now goes over with the body's last
    paragraph (and its heading), and the preflight finds no page holding only the note."""
    result = run("build", DATA / "hongsibu-2023", "-o", tmp_path, "-k", "plan", "--pdf")
    assert result.returncode in (0, 7), result.stderr
    pdf = next(p for p in tmp_path.rglob("实施方案_*.pdf") if "任务清单" in "".join(
        g.char for page in pages_of(p) for g in page.glyphs))
    pages = _pdf_lines(pdf)
    where = next(k for k, page in enumerate(pages) if any(text.startswith("附件：") for text, _, _ in page))
    texts = [text for text, _, _ in pages[where]]
    assert texts.index(next(t for t in texts if t.startswith("附件："))) >= 2  # body text above it
    findings = [f for r in check_document(pdf, "实施方案", "plan") for f in r.findings]
    assert not [f for f in findings if f.rule == "附件说明"]


@needs_libreoffice
def test_a_forced_move_of_the_signatures_is_measured_not_hidden(tmp_path):
    """宜春's agreements leave page 2 more than half empty: 六、附则 (a heading and a paragraph of
    three lines, which cannot be split) goes to page 3 with the signature area. Measured: the
    area (甲方、乙方 with their seals' room, then 主管教育行政部门确认 with its own) is taller than
    all the room page 2 has left, and GB/T 9704 7.3.5.5 does not let any part of it stand on a
    page without body text; so the move is the standard's last resort, not a keep chain longer
    than needed, and the preflight (半页空白) rightly says nothing."""
    result = run("build", DATA / "yichun-2022", "-o", tmp_path, "-p", "yichun-shizhong", "-k", "agreement", "--pdf")
    assert result.returncode in (0, 7), result.stderr
    pdf = next(tmp_path.rglob("协议书_*.pdf"))
    pages = pages_of(pdf)
    assert len(pages) == 3
    line = 28.95
    bottom = 742.68
    above = [ln for ln in pages[1].lines() if pages[1].top(ln[0].y) < bottom]
    free = bottom - max(pages[1].top(ln[0].y) for ln in above) - 0.22 * line
    assert free > (bottom - 104.88) / 2  # more than half empty
    third = [("".join(g.char for g in ln), pages[2].top(ln[0].y)) for ln in pages[2].lines() if pages[2].top(ln[0].y) < bottom]
    assert third[0][0] == "六、附则"
    area_top = next(top for text, top in third if text.startswith("甲方（盖章）"))
    area_bottom = max(top for text, top in third) + 0.22 * line + line  # the last date and the seal's reserve row
    assert area_bottom - area_top + 16 > free  # the signature area alone is taller than the room left
    findings = [f for r in check_document(pdf, "协议书", "agreement") for f in r.findings]
    assert not [f for f in findings if f.rule == "半页空白"]


@needs_libreoffice
def test_an_attachment_name_that_wraps_goes_on_under_its_first_character(tmp_path):
    """GB/T 9704 7.3.4: a wrapped line of 附件说明 aligns with the first character of the
    attachment's name. 城关's plan (three recipients, two attachments) wrapped its first item
    under “1.” and its second under the name (review 2026-12)."""
    result = run("build", DATA / "gaotai-2020", "-o", tmp_path, "-p", "chengguan", "-k", "pairing_plan", "--pdf")
    assert result.returncode in (0, 7), result.stderr
    pdf = next(tmp_path.rglob("实施方案_*.pdf"))
    page = next(p for p in pages_of(pdf) if any("".join(g.char for g in line).startswith("附件：1.") for line in p.lines()))
    lines = page.lines()
    first = next(k for k, line in enumerate(lines) if "".join(g.char for g in line).startswith("附件：1."))
    second = next(k for k, line in enumerate(lines) if "".join(g.char for g in line).startswith("2."))
    name_x = lines[first][5].x  # 附 件 ： 1 . then the name
    assert second > first + 1, "the first item wraps (the test needs it to)"
    assert abs(lines[first + 1][0].x - name_x) < 1.5, (lines[first + 1][0].x, name_x)
    if second + 1 < len(lines) and "".join(g.char for g in lines[second + 1]).strip():
        assert abs(lines[second + 1][0].x - lines[second][2].x) < 1.5  # 2 . then the name


@needs_libreoffice
def test_a_pair_list_takes_its_column_widths_from_its_names(data_pdfs):
    """Review 2026-12: at fixed widths the 宜春 pair list broke 靖安县/奉新县 inside a county's name
    and 市直学校帮扶区属学校 onto two lines while the 受援学校 column had room to spare."""
    code, out, stderr = data_pdfs("yichun-2022", "-k", "notice")
    assert code in (0, 7), stderr
    pdf = next(out.rglob("通知_*.pdf"))
    texts = [text.replace(" ", "") for page in _pdf_lines(pdf) for text, _, _ in page]
    assert any("靖安县/奉新县" in t for t in texts), texts
    assert any("市直学校帮扶区属学校" in t for t in texts), texts
