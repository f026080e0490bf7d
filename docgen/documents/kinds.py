"""Every document kind, declared once: template, what it is made for, file name, who signs
it and its place in a submission bundle.

Adding a kind is one keyword row in ``KINDS`` below, one context function (in a module of
this package) and one template builder (``docgen/authoring/templates/``, listed in its
``BUILDERS`` table) that makes the kind's .docx in templates/. Text a clerk should be able to
reword in Word (份数, 附则, table headings) is the template's; text that depends on the data
(who, what, when, how many) is the context function's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import given
from ..load.model.common import Layer
from ..load.model.programme import DocumentKind
from . import agreement, cover, dates, letters, notice, plan, report, summary
from .scope import Per, Scope
from .signers import Signer, agreement_signers, letter_signers, no_signers, notice_signers, pairing_signers
from .wording import short, short_names


def _always(scope: Scope) -> bool:
    return True


def _title(scope: Scope, context: dict) -> str:
    return "".join(context["title_lines"])


def _nothing(scope: Scope) -> str:
    return ""


@dataclass(frozen=True, kw_only=True)
class Kind:
    """One document kind; declared with keywords only, and never changed once declared."""

    name: str
    """Identifier used on the command line, e.g. ``agreement``."""
    family: str
    """The document family of the glossary: notice, plan, agreement, letter, summary."""
    label: str
    """Chinese name shown to users."""
    template: str
    """File in templates/ (a notice may name another one), made by the builder of that name
    in ``authoring.templates.BUILDERS``."""
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
    in_bundle: Callable[[Scope], bool] = _always
    """Whether a document of this kind goes into its bundle (the plan does not when the
    notice that issues it already carries it)."""
    heading: Callable[[Scope, dict], str] = _title
    """The document's title in a bundle's contents and bookmarks: its real title."""
    depends: Callable[[Scope], str] = _nothing
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


def _notice_name(scope: Scope) -> str:
    return f"通知_{given(scope.notice, 'a notice').doc_no}" + (f"_{scope.county}" if scope.county else "")


def _notice_heading(scope: Scope, context: dict) -> str:
    doc_no = given(scope.notice, "a notice").doc_no
    return f"{_title(scope, context)}（{doc_no}" + (f"，{scope.county}" if scope.county else "") + "）"


def _teachers(pair) -> str:
    return f"{pair.mentor.name}—{pair.mentee.name}"


def _titled(kind: DocumentKind, default: str) -> Callable[[Scope], str]:
    """A file name's prefix: the programme's own title of the document (``titles``), which its
    first page shows, else ``default``; a clerk finds the file by the title it carries."""
    return lambda scope: str(plan.doc_title(scope.programme, kind, default))


def _letter(*, name: str, label: str, template: str, per: Per, context: Callable[[Scope], dict], layer: Layer,
            prefix: str, pair: Callable[[Scope], Any], names: Callable[[Any], str], bundle_place: int) -> Kind:
    """The responsibility letter of one layer of pairs: filed and headed by the pair's names
    (``names`` of the scope's ``pair``) after the programme's own title of the layer's letter, else
    ``prefix``; signed and dated as every letter is."""

    def title(scope: Scope) -> str:
        return str(letters.letter_title(scope.programme, layer, prefix))

    return Kind(name=name, family="letter", label=label, template=template, per=per, context=context,
                filename=lambda s: f"{title(s)}_{names(pair(s))}", signers=letter_signers,
                bundle_place=bundle_place, heading=lambda s, c: f"{_title(s, c)}（{names(pair(s))}）",
                dated=dates.letter_date)


_pairing_plan = _titled(DocumentKind.pairing_plan, "实施方案")
_agreement = _titled(DocumentKind.agreement, "协议书")


def _agreement_name(scope: Scope) -> str:
    pair = given(scope.pair, "a pair")
    return f"{_agreement(scope)}_{short(pair.supporter)}—{short(pair.recipient)}"


KINDS: list[Kind] = [
    Kind(name="notice", family="notice", label="通知", template="notice.docx", per=Per.notice,
         context=notice.notice, filename=_notice_name, signers=notice_signers, bundle_place=1,
         heading=_notice_heading, dated=dates.notice_date),
    Kind(name="programme_plan", family="plan", label="实施方案", template="plan.docx", per=Per.programme,
         context=plan.programme_plan, filename=lambda s: f"实施方案_{s.programme.title}", bundle_place=2,
         in_bundle=lambda s: s.programme.issuing_notice is None, heading=_plan_title,
         dated=dates.programme_plan_date),
    Kind(name="pairing_plan", family="plan", label="结对帮扶实施方案", template="plan.docx", per=Per.pairing,
         context=plan.pairing_plan, filename=lambda s: f"{_pairing_plan(s)}_{short_names(given(s.pairing, 'a pairing'))}",
         signers=pairing_signers, bundle_place=1, heading=_plan_title, dated=dates.pairing_plan_date),
    Kind(name="agreement", family="agreement", label="结对帮扶协议书", template="agreement.docx", per=Per.pair,
         context=agreement.agreement, filename=_agreement_name,
         signers=agreement_signers, bundle_place=2, dated=dates.agreement_date),
    _letter(name="leader_letter", label="校级领导结对帮扶责任书", template="management_letter.docx",
            per=Per.leader_pair, context=letters.leader_letter, layer=Layer.leaders, prefix="校级领导责任书",
            pair=lambda s: s.leader_pair, names=_persons, bundle_place=3),
    _letter(name="management_letter", label="管理帮扶责任书", template="management_letter.docx",
            per=Per.manager_pair, context=letters.management_letter, layer=Layer.managers, prefix="管理帮扶责任书",
            pair=lambda s: s.manager_pair, names=_persons, bundle_place=4),
    _letter(name="group_letter", label="学科教研组结对帮扶责任书", template="management_letter.docx",
            per=Per.group_pair, context=letters.group_letter, layer=Layer.groups, prefix="教研组责任书",
            pair=lambda s: s.group_pair, names=_groups, bundle_place=5),
    _letter(name="teacher_letter", label="教师结对帮扶责任书", template="teacher_letter.docx",
            per=Per.teacher_pair, context=letters.teacher_letter, layer=Layer.teachers, prefix="教师结对帮扶责任书",
            pair=lambda s: s.teacher_pair, names=_teachers, bundle_place=6),
    Kind(name="summary", family="summary", label="年度工作总结", template="summary.docx", per=Per.year,
         context=summary.summary,
         filename=lambda s: f"学期工作总结_{s.term.short_label}" if s.term else f"年度工作总结_{given(s.year, 'a year').label}",
         signers=pairing_signers, bundle_place=7, depends=summary.counted_to, dated=dates.summary_date),
    Kind(name="cover", family="bundle", label="封面和目录", template="cover.docx", per=Per.bundle,
         context=cover.cover, filename=lambda s: "封面和目录"),
    Kind(name="report", family="report", label="考核汇总表", template="report.docx", per=Per.rollup,
         context=report.report, filename=lambda s: "考核汇总表", dated=dates.report_date),
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
