"""Which table a template draws: the one contract between the contexts that fill a table
(the attachments of ``documents.attachments`` and the body tables of ``documents.blocks``) and
the templates that draw its columns (``authoring.tables``).

A context names its table by a ``TableKind`` in the ``kind`` key; the templates have one branch
per member (``{% if a.kind == "rubric" %}``), and a test checks both sides know every member.
"""
from __future__ import annotations

from enum import StrEnum


class TableKind(StrEnum):
    """A table a template draws, with the row keys its columns read. The order is the order of
    the template's branches."""

    pair_list = "pair_list"
    """The pairs, grouped by county: county, supporter, recipient, remark."""
    pair_list_stage = "pair_list_stage"
    """The pairs, grouped by the recipients' school stage: stage, supporter, recipient, remark."""
    pair_list_leads = "pair_list_leads"
    """The pairs with each school's 负责人: supporter, supporter_lead, recipient, recipient_lead."""
    leading_group = "leading_group"
    """A leading group's members (role, name, position), its office and duties under it."""
    monthly_plan = "monthly_plan"
    """A pairing's plan by month (month, content, work, owner, deadline), notes under it."""
    teacher_pairs = "teacher_pairs"
    """Mentors and mentees (no, mentor, mentor_title, mentee, mentee_title, subject, school)."""
    rubric = "rubric"
    """The assessment rubric (category, item, criteria, evidence, due, score), totals under it."""
    measures = "measures"
    """The task list (area, no, text, units, deadline)."""
    text = "text"
    """No table: an attachment of paragraphs only."""


PAIR_LISTS = frozenset({TableKind.pair_list, TableKind.pair_list_stage, TableKind.pair_list_leads})
"""The three ways of listing the pairs, one of which a programme's pair list takes."""
