"""Every document kind, declared once: template, what it is made for, file name, who signs
it and its place in a submission bundle.

Adding a kind is one ``Kind(...)`` here, one context function (a module of this package)
and one template in templates/.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from . import agreement, cover, dates, letters, notice, plan, report, summary
from .scope import Per, Scope
from .signers import Signer, agreement_signers, letter_signers, no_signers, notice_signers, pairing_signers
from .wording import short, short_names


@dataclass(frozen=True)
class Kind:
    name: str
    """Identifier used on the command line, e.g. ``agreement``."""
    family: str
    """The document family of the glossary: notice, plan, agreement, letter, summary."""
    label: str
    """Chinese name shown to users."""
    template: str
    """File in templates/ (a notice may name another one)."""
    per: Per
    """What one document is made for."""
    context: Callable[[Scope], dict]
    """Model -> the values the template needs."""
    filename: Callable[[Scope], str]
    """File name without extension (made safe for file systems later)."""
    signers: Callable[[Scope], list[Signer]] = no_signers
    """Who signs (and is sealed on) the document."""
    bundle_place: int | None = None
    """Order within a submission bundle; None for kinds a bundle does not hold."""
    in_bundle: Callable[[Scope], bool] = lambda scope: True
    """Whether a document of this kind goes into its bundle (the plan does not when the
    notice that issues it already carries it)."""
    heading: Callable[[Scope, dict], str] = lambda scope, context: "".join(context["title_lines"])
    """The document's title in a bundle's contents and bookmarks: its real title."""
    depends: Callable[[Scope], str] = lambda scope: ""
    """What a document is made from besides the data files, its template and docgen (a summary:
    the day it counts to), for its recipe."""
    dated: Callable[[Scope], dt.date | None] = dates.undated
    """The day printed on it as the day it is issued or signed, if the data gives one: its
    metadata carries that day (else the latest its sources state: ``dates.Dates``)."""

    def template_for(self, scope: Scope) -> str:
        """The template of one document: a notice may name its own."""
        return f"{scope.notice.template}.docx" if scope.notice is not None else self.template


def _persons(pair) -> str:
    return f"{pair.supporter.name}—{pair.recipient.name}"


def _groups(pair) -> str:
    return f"{pair.group('supporter')}—{pair.group('recipient')}"


def _plan_title(scope: Scope, context: dict) -> str:
    return "".join(context["plan"]["title_lines"])


KINDS: list[Kind] = [
    Kind("notice", "notice", "通知", "notice.docx", Per.notice, notice.notice,
         lambda s: f"通知_{s.notice.doc_no}" + (f"_{s.county}" if s.county else ""), notice_signers, bundle_place=1,
         heading=lambda s, c: f"{''.join(c['title_lines'])}（{s.notice.doc_no}" + (f"，{s.county}" if s.county else "") + "）",
         dated=dates.notice_date),
    Kind("programme_plan", "plan", "实施方案", "plan.docx", Per.programme, plan.programme_plan,
         lambda s: f"实施方案_{s.programme.title}", bundle_place=2,
         in_bundle=lambda s: s.programme.issuing_notice is None, heading=_plan_title, dated=dates.programme_plan_date),
    Kind("pairing_plan", "plan", "结对帮扶实施方案", "plan.docx", Per.pairing, plan.pairing_plan,
         lambda s: f"实施方案_{short_names(s.pairing)}", pairing_signers, bundle_place=1, heading=_plan_title,
         dated=dates.pairing_plan_date),
    Kind("agreement", "agreement", "结对帮扶协议书", "agreement.docx", Per.pair, agreement.agreement,
         lambda s: f"协议书_{short(s.pair.supporter)}—{short(s.pair.recipient)}", agreement_signers, bundle_place=2,
         dated=dates.agreement_date),
    Kind("leader_letter", "letter", "校级领导结对帮扶责任书", "management_letter.docx", Per.leader_pair,
         letters.leader_letter, lambda s: f"校级领导责任书_{_persons(s.leader_pair)}", letter_signers, bundle_place=3,
         heading=lambda s, c: f"{''.join(c['title_lines'])}（{_persons(s.leader_pair)}）", dated=dates.letter_date),
    Kind("management_letter", "letter", "管理帮扶责任书", "management_letter.docx", Per.manager_pair,
         letters.management_letter, lambda s: f"管理帮扶责任书_{_persons(s.manager_pair)}", letter_signers,
         bundle_place=4, heading=lambda s, c: f"{''.join(c['title_lines'])}（{_persons(s.manager_pair)}）",
         dated=dates.letter_date),
    Kind("group_letter", "letter", "学科教研组结对帮扶责任书", "management_letter.docx", Per.group_pair,
         letters.group_letter, lambda s: f"教研组责任书_{_groups(s.group_pair)}", letter_signers, bundle_place=5,
         heading=lambda s, c: f"{''.join(c['title_lines'])}（{_groups(s.group_pair)}）", dated=dates.letter_date),
    Kind("teacher_letter", "letter", "教师结对帮扶责任书", "teacher_letter.docx", Per.teacher_pair,
         letters.teacher_letter,
         lambda s: f"教师结对帮扶责任书_{s.teacher_pair.mentor.name}—{s.teacher_pair.mentee.name}",
         letter_signers, bundle_place=6,
         heading=lambda s, c: f"{''.join(c['title_lines'])}（{s.teacher_pair.mentor.name}—{s.teacher_pair.mentee.name}）",
         dated=dates.letter_date),
    Kind("summary", "summary", "年度工作总结", "summary.docx", Per.year, summary.summary,
         lambda s: f"学期工作总结_{s.term.short_label}" if s.term else f"年度工作总结_{s.year.label}", pairing_signers,
         bundle_place=7, depends=summary.counted_to, dated=dates.summary_date),
    Kind("cover", "bundle", "封面和目录", "cover.docx", Per.bundle, cover.cover, lambda s: "封面和目录"),
    Kind("report", "report", "考核汇总表", "report.docx", Per.rollup, report.report, lambda s: "考核汇总表",
         dated=dates.report_date),
]


def kind(name: str) -> Kind:
    """The kind called ``name`` (cover and report included)."""
    return next(k for k in KINDS if k.name == name)


def built_kinds() -> list[Kind]:
    """The kinds ``docgen build`` makes, in declaration order."""
    return [k for k in KINDS if k.per.built]


def choices() -> list[str]:
    """What ``-k`` accepts: a family (plan, letter, …) or a kind's name."""
    kinds = built_kinds()
    return list(dict.fromkeys(sorted({k.family for k in kinds}) + [k.name for k in kinds]))


def select(names: list[str] | tuple[str, ...]) -> list[Kind]:
    """Kinds named on the command line, by kind name or by family; all when none is named."""
    kinds = built_kinds()
    if not names:
        return kinds
    return [k for k in kinds if k.name in names or k.family in names]
