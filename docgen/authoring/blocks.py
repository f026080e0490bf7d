"""Blocks the templates share: titles, a body laid out by ``documents.blocks``, the 附件说明
and the attachments, a plan's body, the parties of an agreement or letter, and the form of a
responsibility letter."""
from __future__ import annotations

from . import layout, ooxml
from .tables import tables
from .writer import Writer


def title(w: Writer, expr: str = "title_lines", style: str = "DocTitle") -> None:
    """The title, one paragraph per line the context broke it into."""
    w.loop(f"for line in {expr}", "{{ line }}", style)


def lead_paragraph(w: Writer, font: str) -> None:
    """A paragraph whose heading runs into it: the heading in ``font`` (黑体 or 楷体), then the text."""
    para = w.doc.add_paragraph(style=layout.style_by_id(w.doc, "Body"))
    lead = para.add_run("{{ x.lead }}")
    ooxml.set_fonts(lead._r.get_or_add_rPr(), font)
    para.add_run("{{ x.text }}")


def blocks(w: Writer, expr: str) -> None:
    """A body laid out by ``documents.blocks``: headings (一、 黑体; （一） 楷体), paragraphs,
    paragraphs led by a run-in heading, and tables, each as its ``style`` says. The numbers
    and words are the context's; the template sets only how each kind of line looks."""
    w.tag(f"for x in {expr}")
    for style, paragraph in (("h1", "Heading1Cn"), ("h2", "Heading2Cn"), ("p", "Body")):
        w.tag(f'if x.style == "{style}"')
        w.p("{{ x.text }}", paragraph)
        w.tag("endif")
    for style, font in (("lead1", layout.HEITI), ("lead2", layout.KAITI)):
        w.tag(f'if x.style == "{style}"')
        lead_paragraph(w, font)
        w.tag("endif")
    w.tag('if x.style == "table"')
    tables(w, "x")
    w.tag("endif")
    w.tag("endfor")


def attachment_note(w: Writer, expr: str = "attachment_lines") -> None:
    """附件说明: one blank line, then 附件：1.…, with wrapped lines aligned under the name."""
    w.tag(f"if {expr}")
    w.blank()
    w.tag(f"for line in {expr}")
    w.tag("if loop.first and loop.length == 1")  # 附件：name
    w.p("{{ line }}", "AttachmentNote")
    w.tag("elif loop.first")  # 附件：1.name
    w.p("{{ line }}", "AttachmentNoteFirst")
    w.tag("else")
    w.p("{{ line }}", "AttachmentNoteMore")
    w.tag("endif")
    w.tag("endfor")
    w.tag("endif")


def attachments(w: Writer, expr: str = "attachments") -> None:
    """Each attachment on a new page: 附件N (黑体, 顶格), a blank line, its title, its table."""
    w.tag(f"for a in {expr}")
    w.p("{{ a.label }}", "AttachmentLabel")
    w.blank()
    title(w, "a.title_lines")
    w.blank()
    tables(w, "a")
    w.tag("endfor")


def plan_body(w: Writer, expr: str, new_page: bool) -> None:
    """A plan's title and body; in a notice it starts a new page."""
    w.tag(f"for line in {expr}.title_lines")
    w.tag("if loop.first")
    w.p("{{ line }}", "DocTitleNewPage" if new_page else "DocTitle")
    w.tag("else")
    w.p("{{ line }}", "DocTitle")
    w.tag("endif")
    w.tag("endfor")
    w.blank()
    blocks(w, f"{expr}.blocks")


def parties(w: Writer) -> None:
    """The parties, one line each (甲方…, 负责人…, 乙方…), then a blank line."""
    w.loop("for line in parties", "{{ line }}", "BodyNoIndent")
    w.blank()


def letter(doc_title: str) -> Writer:
    """A responsibility letter (责任书) or a mentoring agreement: parties, the basis, the sections
    the data fills, 份数 and coming into force, signatures."""
    w = Writer(doc_title)
    title(w)
    w.blank()
    parties(w)
    w.p("{{ intro }}")
    blocks(w, "blocks")
    w.p("{{ closing_heading }}", "Heading1Cn")
    # the 份数 sentence is the template's (a clerk rewords it in Word); the counts, the keeper
    # and the coming into force are the context's, from the data
    w.p("本{{ doc }}一式{{ copies }}份，甲乙双方各执一份，{{ keeper }}存档一份。{{ effective }}")
    w.signature_area("signature")
    w.p("", "EndMark")
    return w
