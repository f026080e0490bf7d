"""Builds the .docx templates in templates/ from code, byte for byte the same every time.

Run ``.venv/bin/python -m docgen.authoring.templates`` after changing a template here; commit
both the code and the .docx files (a test checks they match). A clerk may also edit a .docx in
Word or WPS directly: ``docgen templates check`` then verifies it.

One module per template, its ``build()`` listed in ``BUILDERS`` under the file name the
document kinds declare (``documents.kinds``). They are written with ``writer.Writer`` and the
shared ``blocks``; the tables of attachments are drawn by ``tables`` from their ``TableKind``.

Where clause text lives: fixed wording that a clerk should be able to change in Word (份数
and 附则 sentences, table headings, captions, the 版记's 印发) is written here, in the
template; text that depends on the data (who, what, when, how many, a programme's own words)
is written by the kind's context function in ``docgen/documents/`` and reaches the template
as a value. A template never states a duty: only form.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ...documents import kinds
from ...render import TEMPLATE_DIR
from ..writer import Writer
from . import agreement, cover, management_letter, notice, plan, report, summary, teacher_letter

BUILDERS: dict[str, Callable[[], Writer]] = {
    "notice.docx": notice.build,
    "plan.docx": plan.build,
    "agreement.docx": agreement.build,
    "management_letter.docx": management_letter.build,
    "teacher_letter.docx": teacher_letter.build,
    "summary.docx": summary.build,
    "cover.docx": cover.build,
    "report.docx": report.build,
}
"""The builder of each template, by the file name a kind declares (``Kind.template``)."""


def declared() -> list[str]:
    """The templates the kinds declare, in file-name order."""
    return sorted({k.template for k in kinds.KINDS})


def build_all(out: Path) -> dict[str, bytes]:
    """Every template the kinds declare, written to ``out``."""
    missing = [name for name in declared() if name not in BUILDERS]
    if missing:
        raise LookupError(f"no builder for {', '.join(missing)}: add one to BUILDERS in {__name__}")
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for name in declared():
        data = BUILDERS[name]().bytes()
        (out / name).write_bytes(data)
        built[name] = data
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the docgen .docx templates.")
    parser.add_argument("--out", type=Path, default=TEMPLATE_DIR, help="output folder (default: templates/)")
    args = parser.parse_args()
    for name in build_all(args.out):
        print(args.out / name)
