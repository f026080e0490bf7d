"""通知: the bureau's red-header notice, with the plan it issues and its attachments."""
from __future__ import annotations

from ..text import center_over, cn_date
from . import attachments
from .plan import programme_plan_body
from .scope import Scope
from .typography import issuer_mark, split_title


def notice(scope: Scope) -> dict:
    prog, n = scope.programme, scope.notice
    contact = n.contact or prog.bureau.contact
    body = list(n.body)
    if contact:
        parts = [f"联系人：{contact.name}"]
        if contact.phone:
            parts.append(f"电话：{contact.phone}")
        if contact.email:
            parts.append(f"邮箱：{contact.email}")
        body.append("；".join(parts) + "。")
    plan = None
    if n.issues_plan:
        plan, atts = programme_plan_body(scope, n.attachments)
    else:
        atts = attachments.programme_attachments(scope, n.attachments)
    # 署名 centred over 成文日期 (GB/T 9704 7.3.5): pad the shorter of the two right-aligned lines
    date_text = cn_date(n.date)
    signer, padded_date = center_over(n.signer or prog.bureau.name, date_text)
    return {
        "issuer_mark": issuer_mark(prog.bureau.mark),
        "doc_no": n.doc_no,
        "title_lines": split_title(n.title),
        "addressee_line": "，".join(n.addressees) + "：",
        "body": body,
        "attachment_lines": attachments.attachment_lines(atts),
        "signer": signer,
        "date": n.date,
        "date_pad": padded_date[len(date_text):],
        "remark": n.remark,
        "plan": plan,
        "attachments": atts,
        "cc": "，".join(n.cc),
        "printed_by": n.printed_by or f"{prog.bureau.name}办公室",
        "printed_on": n.printed_on or n.date,
    }
