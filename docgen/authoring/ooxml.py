"""Raw WordprocessingML helpers, for what python-docx has no API for: all four rFonts slots
and the complex-script size, character spacing, first-line indents in characters, grid
snapping, outline levels, borders, frames, fields, header rows, cell margins and table
width. Everything else the template builder does through python-docx's own objects.
"""
from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def child(parent, tag: str, *, before: tuple[str, ...] = ()):
    """The first ``tag`` child of ``parent``, created (ahead of ``before`` tags) if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    for name in before:
        anchor = parent.find(qn(name))
        if anchor is not None:
            anchor.addprevious(element)
            return element
    parent.append(element)
    return element


def set_attrs(element, **attrs) -> None:
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))


# Order of rPr children per the schema, enough for the elements we write.
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:color", "w:spacing", "w:w", "w:kern",
              "w:sz", "w:szCs", "w:lang")


def _rpr_child(rpr, tag: str):
    later = _RPR_ORDER[_RPR_ORDER.index(tag) + 1:]
    return child(rpr, tag, before=later)


def set_fonts(rpr, name: str) -> None:
    """Write ``name`` into all four rFonts slots and drop any theme font reference."""
    fonts = _rpr_child(rpr, "w:rFonts")
    for attr in THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for slot in FONT_SLOTS:
        fonts.set(qn(slot), name)
    fonts.set(qn("w:hint"), "eastAsia")


def set_size(rpr, half_points: int) -> None:
    set_attrs(_rpr_child(rpr, "w:sz"), val=half_points)
    set_attrs(_rpr_child(rpr, "w:szCs"), val=half_points)



def set_char_spacing(rpr, twentieths: int) -> None:
    set_attrs(_rpr_child(rpr, "w:spacing"), val=twentieths)


def set_lang(rpr) -> None:
    set_attrs(_rpr_child(rpr, "w:lang"), val="en-US", eastAsia="zh-CN", bidi="ar-SA")


_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:outlineLvl", "w:rPr")


def ppr_child(ppr, tag: str):
    later = _PPR_ORDER[_PPR_ORDER.index(tag) + 1:]
    return child(ppr, tag, before=later)


def set_line(ppr, twips: int, rule: str = "exact", before: int = 0, after: int = 0) -> None:
    set_attrs(ppr_child(ppr, "w:spacing"), before=before, after=after, line=twips, lineRule=rule)


def set_first_line_chars(ppr, chars: int) -> None:
    """The first line indented by ``chars`` characters (w:firstLineChars, in 1/100 character)."""
    set_attrs(ppr_child(ppr, "w:ind"), firstLineChars=chars * 100)


def set_flag(ppr, tag: str, on: bool = True) -> None:
    element = ppr_child(ppr, tag)
    if not on:
        set_attrs(element, val=0)


def set_bottom_border(ppr, *, color: str, size: int, space: int) -> None:
    bdr = ppr_child(ppr, "w:pBdr")
    bottom = child(bdr, "w:bottom")
    set_attrs(bottom, val="single", sz=size, space=space, color=color)


def set_outline_level(ppr, level: int) -> None:
    set_attrs(ppr_child(ppr, "w:outlineLvl"), val=level)


def page_field_run(paragraph, rpr_source=None):
    """Append a PAGE field to ``paragraph`` (fldSimple, understood by Word, WPS and LibreOffice)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    if rpr_source is not None:
        run.append(rpr_source)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def set_table_borders(table, *, size: int = 4, color: str = "000000", inside: bool = True,
                      top: int | None = None, bottom: int | None = None, inside_h: int | None = None,
                      none: bool = False) -> None:
    tblpr = table._tbl.tblPr
    borders = child(tblpr, "w:tblBorders", before=("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"))
    for key in list(borders):
        borders.remove(key)
    spec = {"top": top or size, "left": size, "bottom": bottom or size, "right": size,
            "insideH": inside_h or size, "insideV": size}
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        plain = edge in ("left", "right", "insideV") and (top is not None)
        if none or (not inside and edge.startswith("inside")) or plain:
            set_attrs(element, val="nil")
        else:
            set_attrs(element, val="single", sz=spec[edge], space=0, color=color)
        borders.append(element)


def set_table_width(table, twips: int) -> None:
    """The table's preferred width in twips (python-docx has no API for w:tblW)."""
    set_attrs(child(table._tbl.tblPr, "w:tblW", before=("w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout",
                                                         "w:tblCellMar", "w:tblLook")), w=twips, type="dxa")


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    child(trpr, "w:tblHeader")


def cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    child(trpr, "w:cantSplit", before=("w:tblHeader",))


def set_cell_margins(table, left: int = 85, right: int = 85) -> None:
    mar = child(table._tbl.tblPr, "w:tblCellMar", before=("w:tblLook",))
    for key in list(mar):
        mar.remove(key)
    for edge, value in (("left", left), ("right", right)):
        element = OxmlElement(f"w:{edge}")
        set_attrs(element, w=value, type="dxa")
        mar.append(element)


def frame_at_bottom(ppr, width: int, above: int | None = None) -> None:
    """Put a paragraph in a frame on the bottom edge of the type area (版记, GB/T 9704 7.4),
    or, with ``above``, in a frame whose top stands that many twips from the type area's top
    (LibreOffice shares a frame between paragraphs only when their borders are the same, so
    a 版记 of two lines with a thin rule between them takes two frames)."""
    frame = ppr_child(ppr, "w:framePr")
    set_attrs(frame, w=width, wrap="notBeside", hAnchor="margin", vAnchor="margin", xAlign="center")
    if above is None:
        set_attrs(frame, yAlign="bottom")
    else:
        set_attrs(frame, y=above)


def set_border(ppr, edge: str, size: int, space: int = 1, color: str = "000000") -> None:
    bdr = ppr_child(ppr, "w:pBdr")
    order = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")
    element = child(bdr, f"w:{edge}", before=order[order.index(f"w:{edge}") + 1:])
    set_attrs(element, val="single", sz=size, space=space, color=color)
