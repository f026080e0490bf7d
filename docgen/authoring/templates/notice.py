"""The notice (红头通知): 版头, title, body, 署名 and 成文日期, the plan it issues, its attachments, 版记."""
from __future__ import annotations

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from ...geometry import TEXT_H, TEXT_W
from .. import layout, ooxml
from ..blocks import attachment_note, attachments, plan_body, title
from ..writer import Writer


def build() -> Writer:
    w = Writer("通知")
    w.p("", "MarkSpacer")
    w.p("{{r issuer_mark }}", "IssuerMark")
    w.blank(2)
    w.p("{{ doc_no }}", "DocNo")
    w.blank(2)
    title(w)
    w.blank()
    w.p("{{ addressee_line }}", "Addressee")
    w.loop("for para in body", "{{ para }}")
    attachment_note(w)
    w.signature_area("issuer")
    w.tag("if plan")
    plan_body(w, "plan", new_page=True)
    attachment_note(w, "plan_attachment_lines")
    w.tag("endif")
    attachments(w)
    colophon(w)
    w.p("", "EndMark")
    return w


COLOPHON_LINE = 560
"""A line of the 版记 (style Colophon), in twips."""


def colophon(w: Writer) -> None:
    """版记: 抄送 and 印发机关/日期 between a thick top rule, a thin rule between them and a thick
    bottom rule, framed on the bottom edge of the type area of the last page (GB/T 9704 7.4)."""
    def line(text: str, top: int | None, bottom: int, above: int | None = None) -> None:
        para = w.doc.add_paragraph(style=layout.style_by_id(w.doc, "Colophon"))
        para.add_run(text)
        ppr = para._p.get_or_add_pPr()
        ooxml.frame_at_bottom(ppr, TEXT_W, above)
        if top:
            ooxml.set_border(ppr, "top", top)
        ooxml.set_border(ppr, "bottom", bottom)
        para.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W - 280), WD_TAB_ALIGNMENT.RIGHT)

    w.tag("if cc")
    line("抄送：{{ cc }}。", 8, 6, above=TEXT_H - 2 * COLOPHON_LINE - 140)  # just above the 印发 line
    line("{{ printed_by }}\t{{ printed_on }}印发", None, 8)
    w.tag("else")
    line("{{ printed_by }}\t{{ printed_on }}印发", 8, 8)
    w.tag("endif")
