"""PDF/A-2b, the format electronic archives accept (ISO 19005-2, level B): every PDF docgen
writes claims it, and the claim is verified here with pikepdf's validator (veraPDF's rules),
beside the GB/T 9704 rules.

A signed PDF cannot be judged by the validator (its signature form is outside what it
checks): a bundle is validated just before it is signed, and its manifest says so.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from ..records import PDFA_RULE, Archive

__all__ = ["FLAVOUR", "RULE", "Archive", "is_signed", "validate"]

FLAVOUR = "2b"
RULE = PDFA_RULE

logging.getLogger("pikepdf").addHandler(logging.NullHandler())
# The validator reads the embedded fonts with fontTools, which warns on stderr about the old
# timestamps LibreOffice gives its font subsets: not the user's concern.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


def validate(pdf: bytes | Path, checked: str = "written") -> Archive:
    """Validate ``pdf`` as PDF/A-2b."""
    import pikepdf.pdfa

    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else Path(pdf)
    report = pikepdf.pdfa.validate_written(source, FLAVOUR)
    reasons = [f"{f.message}（{f.where}，{f.rule}）" for f in report.findings]
    return Archive(bool(report.passed), reasons, checked)


def is_signed(pdf: bytes | Path) -> bool:
    """Whether the PDF carries a digital signature (its form has signature fields)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else Path(pdf)) as doc:
        form = doc.Root.get("/AcroForm")
        return form is not None and int(form.get("/SigFlags", 0)) & 1 == 1
