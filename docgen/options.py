"""What a run is asked to do, as one frozen object built once by whoever runs the pipeline
(the command line, the benchmark, the workspace), with every default written here.

``Options`` says what to make and how the run goes (which kinds, pairings and years, the
templates, PDFs or not, converters, force, shard). ``BundleOptions`` says how a bundle looks
beyond its documents, and its fields *are* the bundle's recipe key: an option added there
makes earlier bundles out of date by itself (``tests/test_options.py`` changes each field
and sees the key change). A field that must stay out of the key says why in its metadata.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

from .convert.pool import TIMEOUT
from .render import TEMPLATE_DIR
from .shards import Shard

NOT_IN_KEY = "not_in_key"
"""Metadata of a ``BundleOptions`` field left out of the recipe key, with the reason."""
BY_CONTENT = "by_content"
"""Metadata of a ``BundleOptions`` path whose file's content (not its name) is the key."""


@dataclass(frozen=True)
class BundleOptions:
    """How a bundle looks beyond its documents: ``docgen bundle --duplex --seal-mm --sign``."""

    duplex: bool = False
    """Each document padded to an even number of pages, for double-sided printing."""
    seal_mm: float = 42.0
    """The seals' diameter in millimetres (GB/T 9704: the real seal's size)."""
    archive: bool = True
    """PDF/A-2b bundles (``convert.archive``); off only to measure what it costs (bench/run.py)."""
    sign_cert: Path | None = field(default=None, metadata={BY_CONTENT: True})
    """A PKCS#12 certificate to sign the merged PDF with (PAdES)."""
    sign_password: str | None = field(default=None, repr=False, metadata={
        NOT_IN_KEY: "the certificate's content decides the signature; a password is never written to the record"})

    def key(self, file_hash: Callable[[Path | None], str]) -> dict[str, object]:
        """The recipe key: every field's value (a file by its content, ``file_hash``)."""
        out: dict[str, object] = {}
        for f in fields(self):
            if f.metadata.get(NOT_IN_KEY):
                continue
            value = getattr(self, f.name)
            out[f.name] = file_hash(value) if f.metadata.get(BY_CONTENT) else value
        return out


@dataclass(frozen=True)
class Options:
    """One run of the pipeline: what to make, from which templates, and how."""

    kinds: tuple[str, ...] = ()
    """Only these document kinds or families (``-k``); all when empty."""
    pairings: tuple[str, ...] = ()
    """Only these pairings (``-p``); all when empty, the bureau's documents then included."""
    years: tuple[str, ...] = ()
    """Summaries (and roll-ups) of these cycle years; else the years the data asks for."""
    as_of: dt.date | None = None
    """Summaries and roll-ups count what was due by this day (``--as-of``; None: each
    summary's own date, else today). A summary's recipe holds the day it counts to."""
    term: str | None = None
    """One term to report on (``--term``, a ``Term.key`` such as 2025-autumn) instead of whole years."""
    templates: Path = TEMPLATE_DIR
    """The template folder: docgen's own, or a bureau's (``-t``)."""
    pdf: bool = False
    """``build --pdf``: a PDF beside each Word file."""
    jobs: int | None = None
    """LibreOffice converters working side by side; None: one per CPU."""
    timeout: float = TIMEOUT
    """Seconds one conversion may take before its converter is killed and it is retried."""
    force: bool = False
    """Make everything again, whatever the build record says."""
    shard: Shard | None = None
    """Only this shard's pairings (``--shard I/N``)."""
    bundle: BundleOptions = BundleOptions()

    @property
    def selective(self) -> bool:
        """Whether only some documents are asked for (then nothing else is cleaned up)."""
        return bool(self.kinds or self.pairings or self.years or self.term)


DEFAULTS = Options()
