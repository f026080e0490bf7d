"""Every preflight rule fires on the defect it is there for, in a real PDF read as check-pdf
reads it: a page made to order (tests/craft.py), or a PDF docgen made before the rule
existed (tests/fixtures/main, cut from bundles of commit bbf3c83). Each case names the
clause of GB/T 9704-2012 (or of ISO 19005-2, PDF/A) the rule enforces; a clean page made
the same way passes every rule."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen import geometry
from docgen.preflight.check import WHOLE_FILE, check_file
from docgen.preflight.page import Glyph, Image, Page, Rule
from docgen.preflight.rules import RULES, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT
from tests.craft import write_pdf
from tests.helpers import ROOT

MAIN = ROOT / "tests" / "fixtures" / "main"
H = geometry.PAGE_H_PT
FANG, HEI, KAI, TITLE = "FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Bold"


def glyphs(text: str, x: float, top: float, size: float = 16.0, font: str = FANG, color=(0, 0, 0),
           pitch: float | None = None) -> list[Glyph]:
    """``text`` set from ``x`` with its baseline ``top`` points below the top of the page."""
    step = pitch or size
    return [Glyph(ch, x + k * step, H - top, size, font, size, color) for k, ch in enumerate(text)]


def number(n: int) -> list[Glyph]:
    """The page number — n — in 4号宋体, 7 mm below the type area, odd right, even left."""
    text = f"— {n} —"
    top = TYPE_BOTTOM + 7 * geometry.MM_PT + 0.33 * 14
    x = TYPE_RIGHT - 14 - ((len(text) - 1) * 7 + 14) if n % 2 else TYPE_LEFT + 14
    return glyphs(text, x, top, 14, "FandolSong-Regular", pitch=7)


LINE = geometry.LINE_PT
BODY_TOP = 127.5
"""The first body line's baseline, from the top of the page."""
TEXT = "为推动城乡义务教育优质均衡发展经研究决定开展结对帮扶工作"  # 27 characters


def body(lines: int = 5, start: float = BODY_TOP, size: float = 16.0, pitch: float = LINE, font: str = FANG
         ) -> list[list[Glyph]]:
    return [glyphs(TEXT[:27], TYPE_LEFT, start + k * pitch, size, font) for k in range(lines)]


def page(*lines: list[Glyph], n: int = 1, rules: tuple = (), images: tuple = (), width: float = geometry.PAGE_W_PT,
         height: float = H) -> Page:
    out = Page(width, height)
    for line in lines:
        out.glyphs += line
    out.glyphs += number(n)
    out.rules += list(rules)
    out.images += list(images)
    return out


def found(path: Path, rule: str) -> list[str]:
    """The failures of ``rule`` check-pdf finds in ``path``."""
    return [f.detail for r in check_file(path) for f in r.findings if f.rule == rule and not f.warning]


def bundle(tmp_path: Path, pages: list[Page], family: str = "plan", seals=(), signatures=(), name="doc") -> Path:
    """``pages`` as a bundle's PDF with its manifest (one document), as check-pdf reads it."""
    folder = tmp_path / name
    folder.mkdir()
    pdf = write_pdf(pages, folder / f"{name}.pdf")
    manifest = {"pdf": {"path": pdf.name, "documents": [
        {"title": "文件", "family": family, "first_page": 1, "pages": len(pages), "printed_pages": len(pages)}]},
        "seals": [{"document": "文件", **s} for s in seals], "signatures": [{"document": "文件", **s} for s in signatures]}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return pdf


def test_a_clean_page_passes_every_rule(tmp_path):
    path = write_pdf([page(*body())], tmp_path / "clean.pdf")
    results = [r for r in check_file(path) if r.document != WHOLE_FILE]
    assert [f for r in results for f in r.findings] == []
    assert {name for name, _ in RULES} >= {"纸张", "版心", "正文", "页码", "标题", "署名", "成文日期", "签署移页"}


# --------------------------------------------------------------- page and text

def test_paper_a4(tmp_path):
    """GB/T 9704 5.1: A4 paper (a Letter page is found)."""
    path = write_pdf([page(*body(), width=612, height=792)], tmp_path / "letter.pdf")
    assert found(path, "纸张")


def test_type_area(tmp_path):
    """GB/T 9704 5.2.1: nothing but the page number outside the 156 × 225 mm type area."""
    wide = glyphs("超出版心的一行", TYPE_LEFT - 20, BODY_TOP + 6 * LINE)
    assert found(write_pdf([page(*body(), wide)], tmp_path / "a.pdf"), "版心")


def test_body_size(tmp_path):
    """GB/T 9704 5.2.2: body text in 三号 (16 pt)."""
    assert any("15" in d for d in found(write_pdf([page(*body(size=15))], tmp_path / "a.pdf"), "正文字号"))


def test_body_line_pitch(tmp_path):
    """GB/T 9704 5.2.3: 22 lines to the type area, 28.95 pt apart."""
    assert found(write_pdf([page(*body(pitch=31))], tmp_path / "a.pdf"), "行距")


def test_page_numbers(tmp_path):
    """GB/T 9704 7.5: — n — below the type area, odd pages right, even pages left."""
    missing = Page(geometry.PAGE_W_PT, H)
    missing.glyphs += [g for line in body() for g in line]
    assert any("没有" in d for d in found(write_pdf([missing], tmp_path / "a.pdf"), "页码"))
    wrong = page(*body(), n=2)
    wrong.glyphs = [g for g in wrong.glyphs if g.size != 14] + [g._replace(x=g.x + 300) for g in number(2)]
    assert any("双页码" in d for d in found(write_pdf([page(*body()), wrong], tmp_path / "b.pdf"), "页码"))


def test_title_face(tmp_path):
    """GB/T 9704 7.3.1: the title in 小标宋 (a 二号 title in 黑体 is found)."""
    title = glyphs("关于开展结对帮扶工作的通知", 150, BODY_TOP, 22, HEI)
    assert found(write_pdf([page(title, *body(start=BODY_TOP + 2 * LINE))], tmp_path / "a.pdf"), "标题字体")


def test_title_rare_character_in_a_thin_face(tmp_path):
    """GB/T 9704 7.2.4, 7.3.1: the title and the red mark in 小标宋, every character as heavy
    as the rest (a rare character from the thin 明体 is found)."""
    title = glyphs("东岭县堃山镇学校", 150, BODY_TOP, 22, TITLE)
    title[3] = title[3]._replace(font="UMingCN")
    details = found(write_pdf([page(title, *body(start=BODY_TOP + 2 * LINE))], tmp_path / "a.pdf"), "标题字体")
    assert any("堃" in d and "细体" in d for d in details)


def test_heading_faces(tmp_path):
    """GB/T 9704 7.3.3: 一、 in 黑体, （一） in 楷体."""
    first = glyphs("一、工作目标", TYPE_LEFT + 32, BODY_TOP + 5 * LINE)
    second = glyphs("（一）总体目标", TYPE_LEFT + 32, BODY_TOP + 6 * LINE)
    details = found(write_pdf([page(*body(), first, second)], tmp_path / "a.pdf"), "层次标题字体")
    assert any("一级标题" in d for d in details) and any("二级标题" in d for d in details)


SONG = "FandolSong-Regular"


def _centred(text: str, top: float, size: float, font: str) -> list[Glyph]:
    return glyphs(text, (TYPE_LEFT + TYPE_RIGHT) / 2 - len(text) * size / 2, top, size, font)


def test_body_in_fangsong_and_the_title_in_xiaobiaosong(tmp_path):
    """GB/T 9704 7.3.3: 正文 in 3号仿宋; 7.3.1: the title in 2号小标宋 (rule 字体字号). A template
    whose body style was switched to 宋体, or whose title was set in 18 pt 宋体 (a clerk's
    edits of the templates), is found on its pages; one line in another face is not judged."""
    song = [glyphs(TEXT[:27], TYPE_LEFT, BODY_TOP + 2 * LINE + k * LINE, font=SONG) for k in range(8)]
    title = _centred("示例中学结对帮扶协议书", BODY_TOP, 22, TITLE)
    path = write_pdf([page(title, *song), page(*body(6, font=SONG), n=2)], tmp_path / "a.pdf")
    assert [(f.page, f.detail) for r in check_file(path) for f in r.findings if f.rule == "正文字体"] == [
        (1, "正文用了宋体（应为仿宋，GB/T 9704 7.3.3）"), (2, "正文用了宋体（应为仿宋，GB/T 9704 7.3.3）")]
    one = glyphs(TEXT[:27], TYPE_LEFT, BODY_TOP + 9 * LINE, font=SONG)
    assert found(write_pdf([page(title, *body(7, start=BODY_TOP + 2 * LINE), one)], tmp_path / "b.pdf"), "正文字体") == []
    small = _centred("示例中学结对帮扶协议书", BODY_TOP, 18, SONG)
    path = write_pdf([page(small, *body(8, start=BODY_TOP + 2 * LINE))], tmp_path / "c.pdf")
    assert found(path, "标题字号") == ["标题“示例中学结对帮扶协议书”为 18 磅（应为二号 22 磅，GB/T 9704 7.3.1）"]
    assert found(path, "标题字体") == ["标题“示例中学结对帮扶协议书”用了宋体（应为小标宋，GB/T 9704 7.3.1）"]
    assert found(write_pdf([page(title, *body(8, start=BODY_TOP + 2 * LINE, size=14))], tmp_path / "d.pdf"),
                 "正文字号") == ["正文字号为 14 磅（应为三号 16 磅，GB/T 9704 7.3.3）"]


def test_title_breaks_between_words(tmp_path):
    """GB/T 9704 7.3.1: a title runs on between words (回行时词意完整)."""
    broken = [glyphs("高安中学与高安市石", 150, BODY_TOP, 22, TITLE), glyphs("脑中学管理帮扶责任书", 150, BODY_TOP + LINE, 22, TITLE)]
    assert found(write_pdf([page(*broken, *body(start=BODY_TOP + 3 * LINE))], tmp_path / "a.pdf"), "标题断行")


def test_fonts_mapped(tmp_path):
    """GB/T 9704 5.2.2 and 7 (the faces of each element): text in a face that is none of the
    official faces nor their substitutes is found."""
    odd = glyphs("结对帮扶", TYPE_LEFT, BODY_TOP + 6 * LINE, font="DejaVuSans")
    assert any("未映射" in d for d in found(write_pdf([page(*body(), odd)], tmp_path / "a.pdf"), "字体"))


def test_characters_drawn(tmp_path):
    """GB/T 9704 5.2.2 (and 9: characters as written): a character whose embedded glyph is
    empty prints as a hole."""
    hole = glyphs("中河市䶮溪乡", TYPE_LEFT, BODY_TOP + 6 * LINE)
    path = write_pdf([page(*body(), hole)], tmp_path / "a.pdf", blank=frozenset("䶮"))
    assert any("䶮" in d for d in found(path, "缺字"))


# --------------------------------------------------------------- head and foot of a notice

def _notice_head(red=(1, 0, 0)) -> list[list[Glyph]]:
    top = 104.9 + 35 * geometry.MM_PT + 0.88 * 36
    mark = glyphs("示例县教育局文件", 300.5 - 4 * 36, top, 36, TITLE, color=red)
    return [mark, glyphs("示教〔2022〕5号", 300.5 - 48, top + 3 * LINE, pitch=8)]


def _red_rule(top: float) -> Rule:
    return Rule(TYPE_LEFT, H - top - 1, TYPE_RIGHT, H - top, (1.0, 0.0, 0.0))


def test_red_head(tmp_path):
    """GB/T 9704 7.2.4, 7.2.5, 7.2.7: the red 发文机关标志 35 mm below the type area's top, the
    文号 centred, a red rule as wide as the type area 4 mm below it (a black mark, no rule)."""
    head = _notice_head(red=(0, 0, 0))
    path = write_pdf([page(*head, *body(start=420))], tmp_path / "a.pdf", destinations={"docgenkindnotice": (0, 0, 842)})
    assert found(path, "版头")


def test_colophon(tmp_path):
    """GB/T 9704 7.4: a notice ends with its 版记 (…印发) on the last page."""
    head = _notice_head()
    rule_top = _notice_head()[1][0].y
    path = write_pdf([page(*head, *body(start=420), rules=(_red_rule(H - rule_top + 11.3),))], tmp_path / "a.pdf",
                     destinations={"docgenkindnotice": (0, 0, 842)})
    assert any("印发" in d for d in found(path, "版记"))


# --------------------------------------------------------------- pages

def test_blank_page(tmp_path):
    """GB/T 9704 7.5 and 7.3.5.5: no page without content (a page holding only its number)."""
    assert found(write_pdf([page(*body()), page(n=2)], tmp_path / "a.pdf"), "空白页")


def _signed_page(n: int, lines: list[list[Glyph]]) -> tuple[Page, list[dict]]:
    name = glyphs("示例中学", 360, 420)
    date = glyphs("2022年9月6日", 350, 420 + LINE, pitch=12)
    box = [330.0, H - 420 - 4, 470.0, H - 420 + 20]
    return page(*lines, name, date, n=n), [{"party": "示例中学", "page": n, "name_box": box}]


def test_signature_with_body(tmp_path):
    """GB/T 9704 7.3.5.5: a page with signatures holds body text too (不得出现“此页无正文”)."""
    second, signatures = _signed_page(2, [])
    path = bundle(tmp_path, [page(*body(20)), second], signatures=signatures)
    assert found(path, "签署页")


def test_attachment_note_alone_on_a_page(tmp_path):
    """GB/T 9704 7.3.4: the 附件说明 stands under the body (正文下空一行), never alone on a page
    (hongsibu's plan made on main put “附件：…任务清单” alone on its page 12)."""
    note = glyphs("附件：红寺堡区教育人才帮扶工作任务清单", TYPE_LEFT + 32, BODY_TOP)
    assert found(write_pdf([page(*body(21)), page(note, n=2)], tmp_path / "a.pdf"), "附件说明")
    note = glyphs("附件：红寺堡区教育人才帮扶工作任务清单", TYPE_LEFT + 32, BODY_TOP + 3 * LINE)
    assert found(write_pdf([page(*body(19)), page(*body(2), note, n=2)], tmp_path / "b.pdf"), "附件说明") == []


def test_signature_moved_off_the_first_page(tmp_path):
    """GB/T 9704 7.3.5.5: lines are brought closer before the signatures move to the next page
    (a notice made on main moved them, leaving 7.9 lines free on page 1)."""
    assert any("调整行距" in d for d in found(next((MAIN / "notice-moved").glob("*.pdf")), "签署移页"))
    # the 宜春 notice made on main: 3.9 lines free under “版）。”, a paragraph's short last line
    # that setting its characters closer takes in (调整字距), with the lines at 26 pt
    assert any("调整行距、字距" in d for d in found(next((MAIN / "notice-runt").glob("*.pdf")), "签署移页"))


def _paragraphs(*sizes: int, start: float = BODY_TOP) -> list[list[Glyph]]:
    """Paragraphs of ``sizes`` lines, each first line indented two characters."""
    out, k = [], 0
    for size in sizes:
        for n in range(size):
            x = TYPE_LEFT + (32 if n == 0 else 0)
            out.append(glyphs(TEXT[:25 if n == 0 else 27], x, start + k * LINE))
            k += 1
    return out


def test_half_empty_page_before_the_signatures(tmp_path):
    """GB/T 9704 7.3.5.5 (the signatures share their page with body text, as little as it
    takes): the page before a signature area is not left more than half empty by a keep
    chain longer than needed; a move the standard forces is no finding."""
    second, signatures = _signed_page(2, _paragraphs(3, 3))  # two paragraphs moved: one was needed
    path = bundle(tmp_path, [page(*body(8)), second], signatures=signatures)
    assert any("过半" in d and "多 3 行" in d for d in found(path, "半页空白"))
    heading = glyphs("六、附则", TYPE_LEFT + 32, BODY_TOP, font=HEI)
    second, signatures = _signed_page(2, [heading, *_paragraphs(3, start=BODY_TOP + LINE)])  # forced
    assert found(bundle(tmp_path, [page(*body(8)), second], signatures=signatures, name="forced"), "半页空白") == []
    second, signatures = _signed_page(2, _paragraphs(3, 3))
    full = bundle(tmp_path, [page(*body(14)), second], signatures=signatures, name="full")
    assert found(full, "半页空白") == []


def test_a_line_to_fill_in_leaves_no_stub(tmp_path):
    """A form to fill in by hand (报送要求; GB/T 9704 5.2.3 lines filling the type width): its
    line to write on ends at the line's end (changsha nc-01's agreement made on main left
    “＿＿” alone on the line under 阶段性目标)."""
    details = found(next((MAIN / "agreement-stub").glob("*.pdf")), "填写线")
    assert any("阶段性目标" in d and "＿＿" in d for d in details), details
    label = glyphs("具体实施办法：" + "＿" * 20, TYPE_LEFT + 32, BODY_TOP)
    stub = glyphs("＿＿", TYPE_LEFT, BODY_TOP + LINE)
    assert found(write_pdf([page(label, stub)], tmp_path / "a.pdf"), "填写线")
    name = glyphs("本协议一式四份，甲乙双方各执一份，" + "＿" * 6 + "、＿＿", TYPE_LEFT + 32, BODY_TOP)
    rest = glyphs("＿＿＿＿各存一份。", TYPE_LEFT, BODY_TOP + LINE)
    assert any("分在两行" in d for d in found(write_pdf([page(name, rest)], tmp_path / "b.pdf"), "填写线"))


def test_a_blank_date_is_one_unit(tmp_path):
    """GB/T 9704 7.3.5.4 (年、月、日标全) for a date to fill in: a blank date form in running
    text never breaks across lines (the same agreement split “　　　　年” / “月　　日止”)."""
    details = found(next((MAIN / "agreement-stub").glob("*.pdf")), "空白日期")
    assert any("月　　日止" in d for d in details), details
    first = glyphs("本协议自", TYPE_LEFT + 32, BODY_TOP) + glyphs("年", TYPE_LEFT + 32 + 8 * 16, BODY_TOP)
    second = glyphs("月", TYPE_LEFT, BODY_TOP + LINE) + glyphs("日起生效。", TYPE_LEFT + 3 * 16, BODY_TOP + LINE)
    assert found(write_pdf([page(first, second)], tmp_path / "a.pdf"), "空白日期")
    whole = glyphs("年", TYPE_LEFT + 4 * 16, BODY_TOP + LINE) + glyphs("月", TYPE_LEFT + 7 * 16, BODY_TOP + LINE) + \
        glyphs("日起生效。", TYPE_LEFT + 10 * 16, BODY_TOP + LINE)
    assert found(write_pdf([page(glyphs("本协议自", TYPE_LEFT + 32, BODY_TOP), whole)], tmp_path / "b.pdf"),
                 "空白日期") == []


def test_heading_last_on_a_page(tmp_path):
    """GB/T 9704 7.3.3 (层次标题 with its text): a heading never ends a page."""
    heading = glyphs("三、工作要求", TYPE_LEFT + 32, BODY_TOP + 21 * LINE, font=HEI)
    path = write_pdf([page(*body(21), heading), page(*body(), n=2)], tmp_path / "a.pdf")
    assert found(path, "孤立标题")


def _table(top: float, rows: int, *, head: str = "序号名称") -> tuple[list[Rule], list[list[Glyph]]]:
    rules = [Rule(TYPE_LEFT, H - (top + k * 24) - 0.5, TYPE_RIGHT, H - (top + k * 24), (0, 0, 0)) for k in range(rows + 1)]
    text = [glyphs(head if k == 0 else f"{k}行内容", TYPE_LEFT + 10, top + k * 24 + 17, 12) for k in range(rows)]
    return rules, text


def test_table_tail_of_one_row(tmp_path):
    """GB/T 9704 (附件表格, 实务: a table breaks across pages with more than one row each side):
    a table whose last row alone goes on to the next page is found."""
    rules1, text1 = _table(BODY_TOP, 25)
    rules2, text2 = _table(BODY_TOP - 17, 2)
    path = write_pdf([page(*text1, rules=rules1), page(*text2, n=2, rules=rules2)], tmp_path / "a.pdf")
    assert found(path, "表格跨页")


def test_figure_caption_with_its_picture(tmp_path):
    """GB/T 9704 (附件图表, 实务): a 图N caption stands under its picture on the same page."""
    caption = glyphs("图1 各月帮扶活动次数", 200, BODY_TOP + 6 * LINE)
    assert found(write_pdf([page(*body(), caption)], tmp_path / "a.pdf"), "图表")


# --------------------------------------------------------------- signatures and seals

def test_names_on_three_lines(tmp_path):
    """GB/T 9704 7.3.5.1: each seal presses its own unit's name: names at 三号 on at most two
    lines (a joint plan made on main set each name on three)."""
    assert any("3 行" in d for d in found(next((MAIN / "three-parties").glob("*.pdf")), "署名"))
    assert len(found(next((MAIN / "six-parties").glob("*.pdf")), "署名")) == 6


def test_a_name_shrunk_though_two_lines_would_hold_it(tmp_path):
    """GB/T 9704 5.2.2, 7.3.5.1: a name is set smaller only when two lines at 三号 cannot hold it."""
    small = glyphs("示例县第一中学", 330, 420, 11)
    box = [300.0, H - 420 - 4, 510.0, H - 420 + 14]
    date = glyphs("年　月　日", 380, 420 + LINE)
    path = bundle(tmp_path, [page(*body(), small, date)], signatures=[{"party": "示例县第一中学", "page": 1, "name_box": box}])
    assert any("缩小" in d for d in found(path, "署名"))


def test_dates_whole_and_under_every_party(tmp_path):
    """GB/T 9704 7.3.5.1, 7.3.5.4: a date on one line, and under every party that dates its
    signature (a joint plan made on main split “年　月 / 日” and dated one party of three)."""
    details = found(next((MAIN / "three-parties").glob("*.pdf")), "成文日期")
    assert any("两行" in d for d in details) and any("没有日期" in d for d in details)


def test_seals(tmp_path):
    """GB/T 9704 7.3.5.1: each seal is its party's picture, inside the type area, centred over
    its own name, touching no other seal; its top within one line below the body, never on it
    (a joint plan made on main put its seals on the last line of the body)."""
    assert any("压住正文" in d for d in found(next((MAIN / "three-parties").glob("*.pdf")), "印章"))
    name = glyphs("甲校", 300, 450)
    seal = {"party": "乙校", "page": 1, "seal_box": [300, 300, 419, 419], "name_box": [300, 380, 332, 396],
            "image_digest": "abc"}
    other = {"party": "丙校", "page": 1, "seal_box": [330, 300, 449, 419], "name_box": [330, 380, 362, 396],
             "image_digest": "abc"}
    images = (Image("/DocgenSealabc", 300, 300, 419, 419), Image("/DocgenSealabc", 330, 300, 449, 419))
    details = found(bundle(tmp_path, [page(*body(), name, images=images)], seals=[seal, other]), "印章")
    assert any("没有压在其署名上" in d for d in details) and any("相交或相切" in d for d in details)
    far = {"party": "甲校", "page": 1, "seal_box": [255, 330, 374, 449], "name_box": [298, 388, 334, 410],
           "image_digest": "abc"}  # five lines below the body
    details = found(bundle(tmp_path, [page(*body(), name, images=(Image("/DocgenSealabc", 255, 330, 374, 449),))],
                           seals=[far], name="far"), "印章")
    assert any("一行之内" in d for d in details), details


def test_draft_text_under_a_seal(tmp_path):
    """报送要求 (GB/T 9704 7.3.5.1: 不得出现空白印章 — nor a seal on a draft): a sealed document
    holds no draft text."""
    draft = glyphs("【草稿：以下内容由活动记录生成】", TYPE_LEFT, BODY_TOP + 6 * LINE)
    name = glyphs("甲校", 360, 600)
    seal = {"party": "甲校", "page": 1, "seal_box": [320, 190, 439, 309], "name_box": [355, 236, 395, 252],
            "image_digest": "abc"}
    path = bundle(tmp_path, [page(*body(), draft, name, images=(Image("/DocgenSealabc", 320, 190, 439, 309),))],
                  seals=[seal])
    assert found(path, "草稿")


# --------------------------------------------------------------- PDF/A

def test_pdfa(tmp_path):
    """ISO 19005-2 (PDF/A-2b), for electronic archives: a PDF made on main (no OutputIntent,
    no XMP metadata) is found, under the whole file."""
    results = check_file(next((MAIN / "three-parties").glob("*.pdf")))
    whole = [r for r in results if r.document == WHOLE_FILE]
    assert whole and all(f.rule == "PDF/A-2b" for f in whole[0].findings)
    assert any("OutputIntent" in f.detail or "Metadata" in f.detail for f in whole[0].findings)


@pytest.mark.parametrize("rule", [name for name, _ in RULES])
def test_every_rule_has_a_case_here(rule):
    """A rule added to RULES without a case in this file fails here."""
    source = Path(__file__).read_text("utf-8")
    cases = {"正文": "正文字号", "标题": "层次标题字体", "字体": "未映射", "字体字号": "正文字体"}
    assert f'"{cases.get(rule, rule)}"' in source or cases.get(rule, rule) in source


# --------------------------------------------------------------- 标点 (what the Word file holds)

def test_a_mark_of_the_word_file_missing_from_the_pdf(tmp_path):
    """"标点": the punctuation of the text (GB/T 9704 5.2, GB/T 15834) is printed as the Word file
    holds it; a mark the converter did not draw (one it hung past a full line) is found when the
    bundle's Word file is beside its PDF."""
    import zipfile

    said = glyphs("经研究，决定开展结对帮扶工作。", TYPE_LEFT + 32, BODY_TOP + 6 * LINE)
    for marks, fires in (("，，。", True), ("，。", False)):
        pdf = bundle(tmp_path, [page(*body(), said)], name=f"marks{len(marks)}")
        manifest = json.loads((pdf.parent / "manifest.json").read_text("utf-8"))
        manifest["pdf"]["documents"][0]["word"] = "文件.docx"
        (pdf.parent / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
        with zipfile.ZipFile(pdf.parent / "文件.docx", "w") as word:
            word.writestr("word/document.xml", f'<w:document><w:body><w:p><w:r><w:t>经研究{marks}</w:t></w:r></w:p>'
                                               "</w:body></w:document>")
        lost = found(pdf, "标点")
        assert bool(lost) == fires, lost
        if fires:
            assert "“，”1 个" in lost[0]


def test_a_lost_mark_is_pointed_out_by_its_page_and_the_words_around_it(tmp_path):
    """"标点" (GB/T 9704 5.2, GB/T 15834), where a clerk can find it: a comma the converter hung
    past a full line and did not draw (a template resaved by LibreOffice lost “，” after
    “县市区” in 宜春's notice) is named with its page and the words around it, as printed."""
    import zipfile

    said = "对帮扶力量整体薄弱的县市区，允许其跨县域选择支援学校。"
    lines = [glyphs(said[:13], TYPE_RIGHT - 13 * 16, BODY_TOP + 6 * LINE), glyphs(said[14:], TYPE_LEFT, BODY_TOP + 7 * LINE)]
    pdf = bundle(tmp_path, [page(*body()), page(*body(), *lines, n=2)], name="hung")
    manifest = json.loads((pdf.parent / "manifest.json").read_text("utf-8"))
    manifest["pdf"]["documents"][0]["word"] = "文件.docx"
    (pdf.parent / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    with zipfile.ZipFile(pdf.parent / "文件.docx", "w") as word:
        word.writestr("word/document.xml", f'<w:document><w:body><w:p><w:pPr/><w:r><w:t>{said[:10]}</w:t></w:r>'
                                           f'<w:r><w:t xml:space="preserve">{said[10:]}</w:t></w:r></w:p></w:body></w:document>')
    lost = [(f.page, f.detail) for r in check_file(pdf) for f in r.findings if f.rule == "标点"]
    assert lost == [(2, "“…薄弱的县市区允许其跨县域…”处少了“，”（转换时没有印出）")], lost
