"""PDF/A-2b, the format electronic archives accept (ISO 19005-2, level B): every PDF docgen
writes claims it, and the claim is verified here with pikepdf's validator (veraPDF's rules),
beside the GB/T 9704 rules.

A signed PDF cannot be judged by the validator (its signature form is outside what it
checks): a bundle is validated just before it is signed, and its manifest says so.

The validator decodes the outline of every glyph a PDF shows, to check that the embedded
font program really has it; that is most of its time on a bundle, and a run's bundles show
the same few thousand glyphs again and again (each bundle embeds its own subset of the same
fonts, with the same bytes for each glyph). ``_remember_glyphs`` keeps each outline's verdict
by the outline's own bytes, for the rest of the process: an outline is decoded once per run.
Likewise ``_remember_schemas`` keeps the objects that passed their role's JSON schema (a
quarter of the rest): most objects of a bundle (font descriptors, page dictionaries, the
OutputIntent) read the same in every bundle of a run, and an object that fails is always
checked again, so its findings are the validator's own.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import struct
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from ..records import PDFA_RULE, Archive

__all__ = ["FLAVOUR", "RULE", "Archive", "is_signed", "validate"]

FLAVOUR = "2b"
RULE = PDFA_RULE

logging.getLogger("pikepdf").addHandler(logging.NullHandler())
# The validator reads the embedded fonts with fontTools, which warns on stderr about the old
# timestamps LibreOffice gives its font subsets: not the user's concern.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)


def _wrap(owner: object, name: str, wrapper_of: Callable[[Callable], Callable]) -> bool:
    """``owner.name`` replaced by ``wrapper_of(owner.name)``, once; whether it is wrapped
    (pikepdf's internals are what pyproject.toml pins; if they moved, the validator runs as it
    is)."""
    original = getattr(owner, name, None)
    if original is None:
        return False
    if not getattr(original, "docgen_remembers", False):
        wrapper = wrapper_of(original)
        wrapper.docgen_remembers = True  # type: ignore[attr-defined]
        wrapper.__wrapped__ = original  # type: ignore[attr-defined]
        setattr(owner, name, wrapper)
    return True


_GLYPHS: dict[tuple[bytes, bool], bool] = {}
"""Whether a simple TrueType outline (its bytes in the 'glyf' table) can be read, by those bytes."""
_GLYPHS_MAX = 50_000
"""A bound on the outlines remembered (a run's fonts show a few thousand)."""


def _remember_glyphs() -> bool:
    """Make the validator's glyph check (``TrueTypeProgram.has_gid``: is the glyph id in the
    font and can its outline be read) decode each simple outline once per process. The
    verdict of a simple outline depends on its bytes alone (and the table's ``extended``
    flag), so it is kept by them; composite glyphs, CFF outlines and anything unusual go
    to the validator's own check every time. Returns whether the check is wrapped."""
    from pikepdf.pdfa import _fontprogram

    def remembering(original: Callable) -> Callable:
        def has_gid(self, gid: int) -> bool:
            try:
                if self._cff is not None or not 0 <= gid < self._num_glyphs:
                    return original(self, gid)
                table = self._font["glyf"]
                data = getattr(table.glyphs.get(self._order[gid]), "data", b"")
                extended = bool(table.extended)
            except Exception:  # noqa: BLE001 - whatever it is, the validator's own check judges it
                return original(self, gid)
            if len(data) < 2 or struct.unpack_from(">h", data)[0] <= 0:  # empty, or composite
                return original(self, gid)
            key = (bytes(data), extended)
            known = _GLYPHS.get(key)
            if known is None:
                known = original(self, gid)
                if len(_GLYPHS) >= _GLYPHS_MAX:
                    _GLYPHS.clear()
                _GLYPHS[key] = known
            return known

        return has_gid

    return _wrap(getattr(_fontprogram, "TrueTypeProgram", None), "has_gid", remembering)


_PASSED: set[tuple[object, str, str]] = set()
"""(schema set, role, an object's shallow JSON) that passed the role's schema."""
_PASSED_MAX = 50_000


def _remember_schemas() -> bool:
    """Make the validator's schema check of one object (``SchemaSet.check``: the object's
    shallow JSON against its role's schema) run once per distinct object and role: a pass
    is kept by the JSON text (sorted keys), which the verdict depends on alone; a failure is
    not kept, so that its findings are reported each time. Returns whether the check is
    wrapped."""
    from pikepdf.pdfa import _schemas

    def remembering(original: Callable) -> Callable:
        def check(self, role: str, shallow, ctx, where: str) -> bool:
            try:
                key = (self, role, json.dumps(shallow, sort_keys=True, allow_nan=False))
            except (TypeError, ValueError):  # not plain JSON: the validator's own check judges it
                return original(self, role, shallow, ctx, where)
            if key in _PASSED:
                return True
            passed = original(self, role, shallow, ctx, where)
            if passed:
                if len(_PASSED) >= _PASSED_MAX:
                    _PASSED.clear()
                _PASSED.add(key)
            return passed

        return check

    return _wrap(getattr(_schemas, "SchemaSet", None), "check", remembering)


class _PikepdfsWarnings:
    """The ``warnings`` module as the validator's content and CMap parsers use it, recording
    only what pikepdf itself warned of while they parse. They fail a stream on any warning
    caught meanwhile, and warnings are the whole process's: a warning from another thread
    (the workspace's requests, the converter pool) or a finalizer's ResourceWarning (a file
    left open, collected meanwhile) failed a sound PDF ("content stream: …"). One parse
    records at a time (``build --pdf`` validates in each converter's thread): two threads in
    ``catch_warnings`` at once would each restore the other's state on leaving, and one's
    parser's complaint could land in the other's record."""

    docgen_filters = True
    _parsing = threading.RLock()

    @staticmethod
    @contextlib.contextmanager
    def catch_warnings(*, record: bool = False) -> Iterator[list[warnings.WarningMessage] | None]:
        if not record:
            with warnings.catch_warnings():
                yield None
            return
        kept: list[warnings.WarningMessage] = []
        with _PikepdfsWarnings._parsing, warnings.catch_warnings(record=True) as caught:
            yield kept
        kept += [w for w in caught or [] if not issubclass(w.category, ResourceWarning)
                 and os.path.abspath(w.filename).startswith(_PIKEPDF)]

    def __getattr__(self, name: str) -> object:
        return getattr(warnings, name)


_PIKEPDF = ""
"""pikepdf's own folder, ending with a separator (set when its parsers are given the above)."""


def _own_warnings() -> bool:
    """Give the validator's content and CMap parsers ``_PikepdfsWarnings``; whether both took it."""
    global _PIKEPDF
    import pikepdf
    from pikepdf.pdfa import _cmap, _content

    _PIKEPDF = os.path.join(os.path.dirname(os.path.abspath(pikepdf.__file__)), "")
    done = True
    for module in (_content, _cmap):
        current = getattr(module, "warnings", None)
        if current is warnings:
            setattr(module, "warnings", _PikepdfsWarnings())  # noqa: B010 - a module's global
        elif not getattr(current, "docgen_filters", False):
            done = False  # pikepdf moved: the parser keeps what it had
    return done


def validate(pdf: bytes | Path, checked: str = "written") -> Archive:
    """Validate ``pdf`` as PDF/A-2b."""
    import pikepdf.pdfa

    _remember_glyphs()
    _remember_schemas()
    _own_warnings()
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
