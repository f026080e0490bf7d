"""Every document kind, declared once: template, what it is rendered for, file name.

Adding a kind is one ``Kind(...)`` line here plus one template (and its context
function in ``context.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import context as ctx
from .context import Scope


@dataclass(frozen=True)
class Kind:
    name: str
    """Identifier used on the command line, e.g. ``agreement``."""
    group: str
    """The document family of the glossary: notice, plan, agreement, letter, summary."""
    label: str
    """Chinese name shown to users."""
    template: str
    """File in templates/."""
    per: str
    """What one document is made for: programme, notice, pairing, pair, manager_pair, teacher_pair, year."""
    context: Callable[[Scope], dict]
    filename: Callable[[Scope], str]
    """File name without extension (sanitised later)."""
    signers: Callable[[Scope], list[ctx.Signer]] = ctx.no_signers
    """Who signs (and is sealed on) the document."""


def _pair_names(s: Scope) -> str:
    return f"{s.pairing.supporter.name}与{ctx.recipients_text(s.pairing)}"


KINDS: list[Kind] = [
    Kind("notice", "notice", "通知", "notice.docx", "notice", ctx.notice,
         lambda s: f"通知_{s.notice.doc_no}" + (f"_{s.county}" if s.county else ""), ctx.notice_signers),
    Kind("programme_plan", "plan", "实施方案", "plan.docx", "programme", ctx.programme_plan,
         lambda s: f"实施方案_{s.programme.title}"),
    Kind("pairing_plan", "plan", "结对帮扶实施方案", "plan.docx", "pairing", ctx.pairing_plan,
         lambda s: f"实施方案_{_pair_names(s)}", ctx.pairing_signers),
    Kind("agreement", "agreement", "结对帮扶协议书", "agreement.docx", "pair", ctx.agreement,
         lambda s: f"协议书_{s.pair.supporter.name}—{s.pair.recipient.name}", ctx.agreement_signers),
    Kind("management_letter", "letter", "管理帮扶责任书", "management_letter.docx", "manager_pair",
         ctx.management_letter, lambda s: f"管理帮扶责任书_{s.item.supporter.name}—{s.item.recipient.name}",
         ctx.letter_signers),
    Kind("teacher_letter", "letter", "教师结对帮扶责任书", "teacher_letter.docx", "teacher_pair",
         ctx.teacher_letter, lambda s: f"教师结对帮扶责任书_{s.item.mentor.name}—{s.item.mentee.name}",
         ctx.letter_signers),
    Kind("summary", "summary", "年度工作总结", "summary.docx", "year", ctx.summary,
         lambda s: f"年度工作总结_{s.year.label}", ctx.pairing_signers),
    # Made only inside submission bundles (docgen bundle), never by docgen build.
    Kind("cover", "bundle", "封面和目录", "cover.docx", "bundle", ctx.cover, lambda s: "封面和目录"),
    # Made only by docgen report.
    Kind("report", "report", "考核汇总表", "report.docx", "report", ctx.report, lambda s: "考核汇总表"),
]

BY_NAME = {k.name: k for k in KINDS if k.per not in ("bundle", "report")}
GROUPS = sorted({k.group for k in KINDS if k.per not in ("bundle", "report")})


DOCUMENT_KINDS = [k for k in KINDS if k.per not in ("bundle", "report")]


def select(names: list[str] | tuple[str, ...]) -> list[Kind]:
    """Kinds named on the command line, by kind name or by family (plan, letter, …)."""
    if not names:
        return list(DOCUMENT_KINDS)
    return [k for k in DOCUMENT_KINDS if k.name in names or k.group in names]
