"""通知: the bureau's red-header notice, with the plan it issues and its attachments.

A notice that issues a plan carries that plan whole (the programme's ``body`` when it has one),
and the plan's attachments follow the plan: their 附件说明 stands after the plan's text, not in
the notice's. Dates the data leaves open (成文日期, 印发日期) and a printing office it does not
name are printed as forms to fill in, and listed as such.
"""
from __future__ import annotations

from ..errors import given
from ..text import BLANK_DATE, center_over
from . import attachments
from .plan import programme_plan_body
from .prose import cat, data, join, say
from .scope import Scope
from .typography import issuer_mark, split_title

BLANK_ORGAN = "\u3000" * 8
"""Room to write the printing office by hand."""


def notice(scope: Scope) -> dict:
    prog, n = scope.programme, given(scope.notice, "a notice")  # (Per.notice)
    where = f"programme.yaml 中 notices（{n.id}）"
    gaps = []
    contact_of = n if n.contact else prog.bureau
    contact = contact_of.contact
    body = [data(n, "body", i) for i in range(len(n.body))]
    if contact:
        parts = [say("联系人：{}", data(contact, "name"))]
        if contact.phone:
            parts.append(say("电话：{}", data(contact, "phone")))
        if contact.email:
            parts.append(say("邮箱：{}", data(contact, "email")))
        body.append(say("{}。", join(parts, "；")))
    plan = None
    if n.issues_plan:
        plan, atts = programme_plan_body(scope, n.attachments)
    else:
        atts = attachments.programme_attachments(scope, n.attachments)
    lines = attachments.attachment_lines(atts)
    # 署名 centred over 成文日期 (GB/T 9704 7.3.5): pad the shorter of the two right-aligned lines
    date_text: str
    if n.date:
        date_text = data(n, "date")
    else:
        date_text = BLANK_DATE
        gaps.append(f"成文日期（{where} date）")
    signer = data(n, "signer") if n.signer else data(prog.bureau, "name")
    signer_line, padded_date = center_over(signer, date_text)
    if not n.printed_by:
        gaps.append(f"印发机关（{where} printed_by）")
    if not n.printed_on:
        gaps.append(f"印发日期（{where} printed_on）")
    mark = data(prog.bureau, "issuer_mark") if prog.bureau.issuer_mark else cat(data(prog.bureau, "name"), "文件")
    return {
        "issuer_mark": issuer_mark(mark),
        "sources": [mark],  # what the red mark (a RichText) is made of, for docgen explain
        "doc_no": data(n, "doc_no"),
        "title_lines": split_title(data(n, "title")),
        "addressee_line": say("{}：", join([data(n, "addressees", i) for i in range(len(n.addressees))], "，")),
        "body": body,
        "attachment_lines": [] if plan else lines,
        "plan_attachment_lines": lines if plan else [],
        "signer": signer_line,
        "date": date_text,
        "date_pad": padded_date[len(date_text):],
        "remark": say("（{}）", data(n, "remark", text=n.remark.strip().strip("（）()"))) if n.remark else "",
        "plan": plan,
        "attachments": atts,
        "cc": join([data(n, "cc", i) for i in range(len(n.cc))], "，"),
        "printed_by": data(n, "printed_by") if n.printed_by else BLANK_ORGAN,
        "printed_on": data(n, "printed_on") if n.printed_on else BLANK_DATE,
        "gaps": gaps,
    }
