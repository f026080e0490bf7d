"""Reading effective formatting out of a .docx, the way Word resolves it."""
from __future__ import annotations

from docx.oxml.ns import qn

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _style_chain(doc, style_id):
    styles = {s.get(qn("w:styleId")): s for s in doc.styles.element.findall(qn("w:style"))}
    chain = []
    while style_id and style_id in styles:
        chain.append(styles[style_id])
        based = styles[style_id].find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return chain


def _defaults_rpr(doc):
    return doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")


def effective_run(doc, paragraph, run=None):
    """(east-asian font, size in half-points, colour) of a run, resolving styles and defaults."""
    sources = []
    if run is not None and run._r.rPr is not None:
        sources.append(run._r.rPr)
    p_style = paragraph._p.pPr.pStyle.val if paragraph._p.pPr is not None and paragraph._p.pPr.pStyle is not None else "Normal"
    for style in _style_chain(doc, p_style):
        rpr = style.find(qn("w:rPr"))
        if rpr is not None:
            sources.append(rpr)
    sources.append(_defaults_rpr(doc))
    font = size = color = None
    for rpr in sources:
        if rpr is None:
            continue
        fonts = rpr.find(qn("w:rFonts"))
        if font is None and fonts is not None and fonts.get(qn("w:eastAsia")):
            font = fonts.get(qn("w:eastAsia"))
        sz = rpr.find(qn("w:sz"))
        if size is None and sz is not None:
            size = int(sz.get(qn("w:val")))
        col = rpr.find(qn("w:color"))
        if color is None and col is not None:
            color = col.get(qn("w:val"))
    return font, size, color


def effective_ppr(doc, paragraph, tag):
    """The first ``tag`` element (e.g. 'w:spacing') found on the paragraph or its styles."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(qn(tag)) is not None:
        return ppr.find(qn(tag))
    p_style = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else "Normal"
    for style in _style_chain(doc, p_style):
        found = style.find(f"{W}pPr/{qn(tag)}")
        if found is not None:
            return found
    return doc.styles.element.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{qn(tag)}")


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    for section in doc.sections:
        for part in (section.footer, section.even_page_footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)
