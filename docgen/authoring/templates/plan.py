"""An implementation plan (实施方案), of a programme or of one pairing."""
from __future__ import annotations

from ..blocks import attachment_note, attachments, plan_body
from ..writer import Writer


def build() -> Writer:
    w = Writer("实施方案")
    plan_body(w, "plan", new_page=False)
    attachment_note(w)
    w.tag("if signature")
    w.signature_area("signature")
    w.tag("endif")
    attachments(w)
    w.p("", "EndMark")
    return w
