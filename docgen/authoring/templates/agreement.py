"""The pairing agreement (协议书)."""
from __future__ import annotations

from ..blocks import blocks, parties, title
from ..writer import Label, Writer


def build() -> Writer:
    """The agreement's form around its body: parties, basis, the numbered sections the data
    fills, 附则 (copies and coming into force), signatures, and the bureaus' confirmation
    where the programme requires it."""
    w = Writer("结对帮扶协议书")
    title(w)
    w.blank()
    parties(w)
    w.p("{{ basis }}")
    blocks(w, "blocks")
    w.p("{{ closing_heading }}", "Heading1Cn")
    # 附则: the sentence is the template's, for a clerk to reword in Word; how many copies, who
    # files one and when it comes into force depend on the data and come from the context
    w.p("本协议一式{{ copies }}份，甲乙双方各执一份{{ filing }}。{{ effective }}")
    w.tag("if confirm")
    w.signature_area("signature", Label("主管教育行政部门确认："), "confirmations")
    w.tag("else")
    w.signature_area("signature")
    w.tag("endif")
    w.p("", "EndMark")
    return w
