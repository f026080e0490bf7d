"""What each output is made from, as one digest: its recipe.

A Word file is made from the programme file, the files of its pairing (the pairing and its
activity records; a bureau document: every pairing's), its template, docgen itself and
``SOURCE_DATE_EPOCH`` (the time written into it when set; else a day of those data files). A PDF adds the converter and its fonts; a bundle adds its
documents' recipes, the seal images it stamps, its cover's template and the options.
Two runs with equal recipes make the same bytes, so an output whose recipe is recorded
and whose file is there need not be made again.
"""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from .. import __version__
from ..load import PROGRAMME_FILE, Loaded
from ..load.activity_files import activity_files, pairing_and_year
from ..outputs import source_date_epoch
from ..render import template_path

PACKAGE = Path(__file__).resolve().parent.parent


def digest(*parts) -> str:
    """One SHA-256 of JSON-able parts."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def docgen_fingerprint() -> str:
    """docgen's version and its code: a changed module makes everything again."""
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    h = hashlib.sha256(__version__.encode())
    for path in files:
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@cache
def converter_fingerprint() -> str:
    """The LibreOffice build that converts (its version file); the fonts it is given are in
    docgen's package and so in ``docgen_fingerprint``."""
    from ..convert import find_soffice

    program = Path(find_soffice()).resolve().parent
    version = program / "versionrc"
    return digest(str(program), version.read_text(errors="replace") if version.is_file() else "")


class Recipes:
    """The recipes of one programme's outputs; every input file is hashed once per run."""

    def __init__(self, loaded: Loaded, template_dir: Path):
        self.loaded = loaded
        self.template_dir = Path(template_dir)
        self._hashes: dict[Path, str] = {}
        self._inputs: dict[str | None, dict[str, str]] = {}
        self._activities: dict[str, list[Path]] = {}
        for path in activity_files(loaded.root):
            self._activities.setdefault(pairing_and_year(path)[0], []).append(path)
        self.common = (docgen_fingerprint(), source_date_epoch())

    def file_hash(self, path: Path | None) -> str:
        """The SHA-256 of a file ('-' when there is none), read once per run."""
        return self._hash(Path(path)) if path is not None else "-"

    def _hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"
        return self._hashes[path]

    def inputs(self, pairing_id: str | None) -> list[Path]:
        """The data files that outputs of one pairing (None: of the bureau) are made from."""
        root = self.loaded.root
        if pairing_id is None:
            pairings = sorted(self.loaded.pairing_paths.values())
            activities = sorted(p for paths in self._activities.values() for p in paths)
        else:
            known = self.loaded.pairing_paths.get(pairing_id)
            pairings = [known] if known else []
            activities = self._activities.get(pairing_id, [])
        return [root / PROGRAMME_FILE, *pairings, *activities]

    def input_hashes(self, pairing_id: str | None) -> dict[str, str]:
        """The manifest's ``inputs``: each data file of ``inputs`` and its SHA-256 (worked out
        once per pairing and run: every document of a pairing asks)."""
        if pairing_id not in self._inputs:
            root = self.loaded.root
            self._inputs[pairing_id] = {p.relative_to(root).as_posix(): self._hash(p) for p in self.inputs(pairing_id)}
        return dict(self._inputs[pairing_id])

    def docx(self, pairing_id: str | None, template: str, depends: str = "") -> str:
        """``depends``: what else the document is made from (the day a summary counts to)."""
        return digest("docx", self.input_hashes(pairing_id), self._hash(template_path(self.template_dir, template)), self.common,
                      *([depends] if depends else []))

    def pdf(self, docx_recipe: str) -> str:
        return digest("pdf", docx_recipe, converter_fingerprint())

    def bundle(self, docx_recipes: list[str], seals: set[Path], cover_template: str, options: dict[str, object]) -> str:
        return digest("bundle", docx_recipes, sorted(self._hash(s) for s in seals),
                      self._hash(template_path(self.template_dir, cover_template)), converter_fingerprint(), options, self.common)

    def report(self, year: str, counted_to: str = "") -> str:
        """``counted_to``: the days the roll-up counts to (it changes with today's date where a
        pairing's summary has none)."""
        return digest("report", year, self.input_hashes(None), self._hash(template_path(self.template_dir, "report.docx")),
                      self.common, *([counted_to] if counted_to else []))
