"""GB/T 9704-2012 page and style set-up for the .docx templates (numbers from shared/GBT9704.md).

``new_document()`` returns a python-docx Document whose styles carry the whole layout,
so a clerk who edits a template in Word or WPS keeps it by using the named styles.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor, Twips

from ..geometry import BOTTOM, CHAR, FOOTER, HEADER, LEFT, LINE, MARK_SPACE, PAGE_H, PAGE_W, RIGHT, TEXT_W, TOP
from ..outputs import set_core_properties
from . import ooxml

RED = "FF0000"

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
OFFICIAL_FONTS = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)

SZ_BODY = 32  # 三号 16 pt
SZ_TITLE = 44  # 二号 22 pt
SZ_SMALL = 28  # 四号 14 pt
SZ_TABLE = 24  # 小四 12 pt
TABLE_LINE = 400  # 20 pt exact in tables

# (style id, Chinese name, font, half-points, paragraph settings)
PARAGRAPH_STYLES: list[tuple[str, str, str, int, dict[str, Any]]] = [
    ("Body", "公文正文", FANGSONG, SZ_BODY, {"first_chars": 2, "jc": "both"}),
    ("BodyKeep", "正文（与下段同页）", FANGSONG, SZ_BODY, {"first_chars": 2, "jc": "both", "keep_next": True}),
    ("BodyNoIndent", "公文顶格", FANGSONG, SZ_BODY, {"jc": "left"}),
    # A numbered item (（一）…) of a summary: never its first line alone at the foot of a page,
    # where it would read as a stranded heading.
    ("BodyItem", "正文条目", FANGSONG, SZ_BODY, {"first_chars": 2, "jc": "both", "widow": True}),
    ("DocTitle", "公文标题", XIAOBIAOSONG, SZ_TITLE, {"jc": "center", "snap": False}),
    ("Heading1Cn", "一级标题", HEITI, SZ_BODY, {"first_chars": 2, "outline": 0, "keep_next": True}),
    ("Heading2Cn", "二级标题", KAITI, SZ_BODY, {"first_chars": 2, "outline": 1, "keep_next": True}),
    ("Heading3Cn", "三级标题", FANGSONG, SZ_BODY, {"first_chars": 2, "outline": 2, "keep_next": True}),
    ("IssuerMark", "发文机关标志", XIAOBIAOSONG, 72, {"jc": "center", "line": 900, "snap": False,
                                                 "color": RED}),
    ("MarkSpacer", "版头留白", FANGSONG, SZ_BODY, {"line": MARK_SPACE, "snap": False}),
    ("DocNo", "发文字号", FANGSONG, SZ_BODY, {"jc": "center", "red_rule": True}),
    ("Addressee", "主送机关", FANGSONG, SZ_BODY, {"jc": "left"}),
    # keep_next: the 附件说明 stays with the signature block, so no page holds seals alone
    # (GB/T 9704 7.3.5.5 forbids a page with no body text).
    ("AttachmentNote", "附件说明", FANGSONG, SZ_BODY, {"left": 5 * CHAR, "hanging": 3 * CHAR, "keep_next": True}),
    # wrapped lines under the first character of the name (7.3.4): 附件： takes 3 characters
    # after the 2 of indent, a number 1. (two half-width) one more
    ("AttachmentNoteFirst", "附件说明首项", FANGSONG, SZ_BODY, {"left": 6 * CHAR, "hanging": 4 * CHAR, "keep_next": True}),
    ("AttachmentNoteMore", "附件说明续", FANGSONG, SZ_BODY, {"left": 6 * CHAR, "hanging": CHAR, "keep_next": True}),
    # Signature blocks (GB/T 9704 7.3.5): every paragraph keeps with the next, so a block
    # never splits across pages. 署名 is centred over 成文日期, which stands 右空四字.
    ("Signer", "署名", FANGSONG, SZ_BODY, {"jc": "right", "right": 4 * CHAR, "keep_next": True}),
    ("SignDate", "成文日期", FANGSONG, SZ_BODY, {"jc": "right", "right": 4 * CHAR, "keep_next": True}),
    ("SignLabel", "签署栏标签", FANGSONG, SZ_BODY, {"jc": "left", "keep_next": True}),
    ("SignName", "签署单位", FANGSONG, SZ_BODY, {"jc": "center", "keep_next": True, "snap": False, "line": 240,
                                              "rule": "auto"}),
    ("SignedOn", "签署日期", FANGSONG, SZ_BODY, {"jc": "center", "keep_next": True}),
    ("Remark", "附注", FANGSONG, SZ_BODY, {"first_chars": 2}),
    ("AttachmentLabel", "附件标识", HEITI, SZ_BODY, {"jc": "left", "page_break": True, "outline": 0}),
    ("CoverTitle", "封面标题", XIAOBIAOSONG, 52, {"jc": "center", "line": 1000, "snap": False}),
    ("CoverText", "封面文字", KAITI, SZ_BODY, {"jc": "center"}),
    ("DocTitleNewPage", "另页标题", XIAOBIAOSONG, SZ_TITLE, {"jc": "center", "snap": False, "page_break": True}),
    ("TableText", "表格文字", FANGSONG, SZ_TABLE, {"jc": "center", "line": TABLE_LINE, "snap": False}),
    ("TableTextLeft", "表格文字左对齐", FANGSONG, SZ_TABLE, {"jc": "left", "line": TABLE_LINE, "snap": False}),
    ("TableHead", "表头", HEITI, SZ_TABLE, {"jc": "center", "line": TABLE_LINE, "snap": False}),
    # A group value (县市区, 月份, 项目): an empty one continues the merged cell above it.
    ("TableGroup", "表格分组", FANGSONG, SZ_TABLE, {"jc": "center", "line": TABLE_LINE, "snap": False}),
    ("TableCaption", "表题", HEITI, SZ_SMALL, {"jc": "center", "keep_next": True}),
    ("Figure", "插图", FANGSONG, SZ_BODY, {"jc": "center", "line": 240, "rule": "auto", "snap": False, "keep_next": True}),
    ("Colophon", "版记", FANGSONG, SZ_SMALL, {"left": 280, "right": 280, "line": 560}),
    ("ColophonRight", "版记右", FANGSONG, SZ_SMALL, {"jc": "right", "left": 280, "right": 280, "line": 560}),
    ("PageNumberOdd", "页码单页", SONGTI, SZ_SMALL, {"jc": "right", "right": 280, "line": 280, "rule": "auto"}),
    ("PageNumberEven", "页码双页", SONGTI, SZ_SMALL, {"jc": "left", "left": 280, "line": 280, "rule": "auto"}),
    ("Draft", "草稿提示", KAITI, SZ_BODY, {"first_chars": 2}),
    # The paragraph a document must end with after the 版记 table: 1 pt high, so the table
    # can sit on the bottom edge of the type area (GB/T 9704 7.4.1).
    ("EndMark", "文末", FANGSONG, 2, {"line": 20, "snap": False}),
]

KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def style_by_id(doc, style_id: str):
    for style in doc.styles:
        if style.style_id == style_id:
            return style
    raise KeyError(style_id)


def _strip_styles(doc) -> None:
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in KEEP_STYLES:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def _doc_defaults(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    defaults = OxmlElement("w:docDefaults")
    rpr_default = OxmlElement("w:rPrDefault")
    rpr = OxmlElement("w:rPr")
    ooxml.set_fonts(rpr, FANGSONG)
    ooxml.set_size(rpr, SZ_BODY)
    ooxml.set_lang(rpr)
    rpr_default.append(rpr)
    ppr_default = OxmlElement("w:pPrDefault")
    ppr = OxmlElement("w:pPr")
    # w:overflowPunct="1" is Word's own default (a closing mark may hang past the right edge),
    # written out for LibreOffice, which reads it the other way round (its DOCX import: hanging =
    # value == 0; absent, it hangs): a mark hung after a line filled to the edge (28 characters
    # of 三号, GB/T 9704 5.2.2) was not drawn, a comma or full stop missing from the sealed PDF.
    # With it LibreOffice takes the line's last character down with the mark instead.
    ooxml.set_attrs(ooxml.ppr_child(ppr, "w:overflowPunct"), val=1)
    ooxml.set_line(ppr, LINE)  # docDefaults have no python-docx object
    ppr_default.append(ppr)
    defaults.append(rpr_default)
    defaults.append(ppr_default)
    styles.insert(0, defaults)


def _paragraph_style(doc, style_id: str, name: str, font: str, size: int, opts: dict[str, Any]):
    from docx.enum.style import WD_STYLE_TYPE

    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = None
    style.quick_style = True
    ppr = style.element.get_or_add_pPr()
    rpr = style.element.get_or_add_rPr()
    ooxml.set_fonts(rpr, font)
    ooxml.set_size(rpr, size)
    if size == SZ_BODY:
        ooxml.set_char_spacing(rpr, -5)  # 28 characters in the 156 mm line
    if opts.get("color"):
        style.font.color.rgb = RGBColor.from_string(opts["color"])
    pf = style.paragraph_format
    if opts.get("page_break"):
        pf.page_break_before = True
    if opts.get("keep_next"):
        pf.keep_with_next = True
    if opts.get("widow"):
        pf.widow_control = True
    if opts.get("snap") is False:
        ooxml.set_flag(ppr, "w:snapToGrid", on=False)
    _spacing(pf, opts.get("line", LINE), opts.get("rule", "exact"))
    _indent(pf, ppr, first_chars=opts.get("first_chars"), left=opts.get("left"), right=opts.get("right"),
            hanging=opts.get("hanging"))
    if opts.get("jc"):
        pf.alignment = ALIGN[opts["jc"]]
    if opts.get("red_rule"):
        ooxml.set_bottom_border(ppr, color=RED, size=12, space=4)  # 4 mm below the 文号 (7.2.7), measured on the PDF
    if "outline" in opts:
        ooxml.set_outline_level(ppr, opts["outline"])
    return style


ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "both": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _spacing(pf, line: int, rule: str) -> None:
    """No space before or after; an exact line pitch in twips, or (auto) a multiple of 240."""
    pf.space_before = pf.space_after = 0
    if rule == "exact":
        pf.line_spacing = Twips(line)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:
        pf.line_spacing = line / 240


def _indent(pf, ppr, *, first_chars: int | None = None, left: int | None = None, right: int | None = None,
            hanging: int | None = None) -> None:
    """Indents in twips; a first line indented by N characters (no python-docx API for that)."""
    if left is not None:
        pf.left_indent = Twips(left)
    if right is not None:
        pf.right_indent = Twips(right)
    if hanging is not None:
        pf.first_line_indent = Twips(-hanging)
    if first_chars is not None:
        pf.first_line_indent = Twips(first_chars * CHAR)
        ooxml.set_first_line_chars(ppr, first_chars)
    if left is None and right is None and hanging is None and first_chars is None:
        pf.left_indent = pf.first_line_indent = 0


def _normal(doc) -> None:
    normal = doc.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    ooxml.set_fonts(rpr, FANGSONG)
    ooxml.set_size(rpr, SZ_BODY)
    _spacing(normal.paragraph_format, LINE, "exact")
    normal.paragraph_format.alignment = ALIGN["both"]


def _section(doc, page_numbers: bool = True) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.top_margin, section.bottom_margin = Twips(TOP), Twips(BOTTOM)
    section.left_margin, section.right_margin = Twips(LEFT), Twips(RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER), Twips(FOOTER)
    section.gutter = Twips(0)
    sect = section._sectPr
    grid = ooxml.child(sect, "w:docGrid")
    for key in list(grid.attrib):
        del grid.attrib[key]
    ooxml.set_attrs(grid, type="lines", linePitch=LINE)
    doc.settings.odd_and_even_pages_header_footer = True
    if not page_numbers:
        return
    for footer, style in ((section.footer, "PageNumberOdd"), (section.even_page_footer, "PageNumberEven")):
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.style = style_by_id(doc, style)
        para.add_run("— ")
        ooxml.page_field_run(para)
        para.add_run(" —")
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False


def _drop_parts(doc) -> None:
    """Leave out what python-docx's default template carries but a template does not need."""
    unwanted = ("/stylesWithEffects", "/customXml", "/thumbnail")
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(unwanted):
                del rels[rid]


def _settings(doc) -> None:
    settings = doc.settings.element
    for tag in ("w:rsids", "w:proofState", "w:attachedTemplate"):
        found = settings.find(qn(tag))
        if found is not None:
            settings.remove(found)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        settings.remove(lang)


def _strip_theme_fonts(doc) -> None:
    for element in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ooxml.THEME_ATTRS:
            element.attrib.pop(qn(attr), None)


def _font_table(doc) -> None:
    """Declare the official fonts with GB2312 charset and common fall-back names (altName)."""
    part = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
    if part is None:
        return
    alt = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: "方正小标宋_GBK", HEITI: "SimHei", SONGTI: "SimSun"}
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt[name]}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"modern" if name in (FANGSONG, KAITI, HEITI) else "roman"}"/>'
        f'<w:pitch w:val="variable"/></w:font>'
        for name in OFFICIAL_FONTS)
    part._blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {ns}>{fonts}</w:fonts>'.encode()


def new_document(title: str = "", page_numbers: bool = True):
    """An empty document with GB/T 9704 page set-up, styles and odd/even page numbers."""
    doc = Document()
    body = doc.element.body
    for para in list(body.iterchildren(qn("w:p"))):
        body.remove(para)
    _strip_styles(doc)
    _doc_defaults(doc)
    _normal(doc)
    for style_id, name, font, size, opts in PARAGRAPH_STYLES:
        _paragraph_style(doc, style_id, name, font, size, opts)
    _strip_theme_fonts(doc)
    _section(doc, page_numbers)
    _settings(doc)
    _drop_parts(doc)
    _font_table(doc)
    set_core_properties(doc.core_properties, title=title, when=FIXED_TIME)
    return doc


FIXED_TIME = dt.datetime(2020, 1, 1, 0, 0, 0)


SEALED_ROW = 4 * LINE
"""The row a seal lies on, 4 lines (116 pt). A 42 mm seal (119 pt, 4.1 lines) over a name of
one or two lines and its date keeps its upper edge in this row, clear of the handwriting row
above, and reaches at most 0.71 line into the one-line reserve row below."""


def _cells(row, count: int) -> list:
    """The row's six grid cells merged into ``count`` equal cells."""
    span = 6 // count
    return [row.cells[k * span].merge(row.cells[k * span + span - 1]) if span > 1 else row.cells[k] for k in range(count)]


def _fill(doc, cell, lines: list[str], style: str, more_style: str) -> None:
    """``lines`` in ``cell``: the first in ``style`` (SignLabel when empty), the others in ``more_style``."""
    para = cell.paragraphs[0]
    para.style = style_by_id(doc, style if lines[0] else "SignLabel")
    if lines[0]:
        para.add_run(lines[0])
    for line in lines[1:]:
        cell.add_paragraph(line, style=style_by_id(doc, more_style))


def fixed_widths(table, widths: list[int]) -> None:
    """A fixed-layout table as wide as ``widths`` (twips) add up to, each column and cell set."""
    ooxml.set_table_width(table, sum(widths))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Twips(width)


def signature_table(doc, container, expr: str) -> None:
    """The signature block of ``expr`` (documents.signatures) in ``container``: for each row of
    signers, a label row and a handwriting row when it has them, the sealed row (names and
    dates at its foot, as tall as a seal) and a reserve row for the seal's lower edge.

    The grid has six columns, so that a row holds one party across the type area, two
    parties (three columns each) or three joint signers (two each): at most three seals to
    a row (GB/T 9704 7.3.5.1). Every cell of a sealed row holds its name and a date line
    (empty when the date stands only under the last party), so the names of a row stand on
    one line."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE

    sixth = TEXT_W // 6
    top, bottom = WD_CELL_VERTICAL_ALIGNMENT.TOP, WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    cell = "{{ row.cells[%d].%s }}"
    name = ["{{r row.cells[%d].name }}", cell.replace("%s", "date")]
    layout_rows = [  # (cells, style, height, alignment, texts per cell)
        (1, "SignLabel", None, top, [["{%tr for row in " + expr + ".rows %}"]]),
        (1, "SignLabel", None, top, [["{%tr if row.labels %}"]]),
        (2, "SignLabel", LINE, top, [[cell % (0, "label")], [cell % (1, "label")]]),
        (1, "SignLabel", None, top, [["{%tr endif %}"]]),
        (1, "SignLabel", None, top, [["{%tr if row.sign_lines %}"]]),
        (2, "SignLabel", LINE, top, [[cell % (0, "sign_line")], [cell % (1, "sign_line")]]),
        (1, "SignLabel", None, top, [["{%tr endif %}"]]),
        (1, "SignLabel", None, top, [["{%tr if row.cells|length == 3 %}"]]),
        (3, "SignName", SEALED_ROW, bottom, [[line % k for line in name] for k in range(3)]),
        (1, "SignLabel", None, top, [["{%tr elif row.cells|length == 1 %}"]]),
        (1, "SignName", SEALED_ROW, bottom, [[line % 0 for line in name]]),
        (1, "SignLabel", None, top, [["{%tr else %}"]]),
        (2, "SignName", SEALED_ROW, bottom, [[line % k for line in name] for k in range(2)]),
        (1, "SignLabel", None, top, [["{%tr endif %}"]]),
        (1, "SignLabel", LINE, top, [[""]]),
        (1, "SignLabel", None, top, [["{%tr endfor %}"]]),
    ]
    table = container.add_table(rows=len(layout_rows), cols=6)
    widths = [sixth] * 5 + [TEXT_W - 5 * sixth]
    fixed_widths(table, widths)
    ooxml.set_table_borders(table, none=True)
    for row, (count, style, height, valign, texts) in zip(table.rows, layout_rows, strict=False):
        if height:
            row.height = Twips(height)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            ooxml.cant_split(row)
        for merged, lines in zip(_cells(row, count), texts, strict=False):
            _fill(doc, merged, lines, style, "SignedOn")
            merged.vertical_alignment = valign


def end_cell(doc, cell) -> None:
    """End a cell holding tables with a 1-pt paragraph (a cell ends with a paragraph): the empty
    one python-docx puts after the last table becomes it, so no blank line of body height
    follows a signature area (it would cost the page a line, GB/T 9704 7.3.5.5)."""
    last = cell._tc[-1]
    if last.tag == qn("w:p") and not "".join(t.text or "" for t in last.iter(qn("w:t"))):
        cell.paragraphs[-1].style = style_by_id(doc, "EndMark")
    else:
        cell.add_paragraph("", style=style_by_id(doc, "EndMark"))


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


