"""A bundle on disk: its folder (Word files, merged PDF, manifest.json) and the same as a zip.

The manifest holds the SHA-256 of every file, the input files' hashes, the tool version and
where each seal went or why a party was not sealed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .. import __version__
from ..outputs import UMASK, build_time, deterministic_zip, write_atomic
from ..preflight.check import WHOLE_FILE, Result, check_pages
from ..preflight.words import WordMarks
from ..records import PDFA_RULE, Archive, FileEntry, Manifest
from .assemble import Assembled
from .plan import Sheet

NOTE = "PDF 上的印章为图片叠加，仅供打印和预览，不是 GB/T 38540 规定的电子印章。"


def manifest(spec: Sheet, files: list[tuple[str, bytes]], result: Assembled, signed: bool) -> Manifest:
    return Manifest(
        version=__version__, created=build_time(spec.made_on).strftime("%Y-%m-%dT%H:%M:%SZ"),
        programme=spec.programme, bundle=spec.key, title=spec.title,
        inputs=spec.inputs,
        files=[FileEntry(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in sorted(files)],
        pdf_path=spec.pdf_name, pdf_pages=result.pages, documents=result.layout,
        signatures=result.signatures, seals=result.seals, seals_missing=result.missing, unfinished=result.drafts,
        signed=signed, note=NOTE)


def preflight(result: Assembled, marks: Mapping[str, WordMarks] | None = None) -> list[Result]:
    """The GB/T 9704 rules over the merged PDF as assembled (before it is signed: a
    signature's appearance is not the documents'), document by document, each against the
    punctuation of its Word file (``marks``, by name); its pages are let go after (``result.text``)."""
    text, result.text = result.text, None
    if text is None:
        raise ValueError("the bundle's pages were checked already")
    return check_pages(text.page, len(text), result.layout, result.seals, result.signatures, marks)


def write_bundle(spec: Sheet, result: Assembled, checked: list[Result], signed: bool = False,
                 archive: Archive | None = None) -> list[Result]:
    """The bundle's folder and its zip; the preflight's results of its PDF (``checked``, as
    ``preflight`` found them), which the manifest
    records too with the PDF/A verdict (``archive``). A
    PDF/A failure is reported as a result of its own (the whole file). The folder is written
    under a temporary name and renamed when complete; an earlier folder in its place is the
    pipeline's to set aside first (it is never written over: the bundle then fails)."""
    folder = spec.folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        files: list[tuple[str, bytes]] = [(spec.pdf_name, result.pdf)]
        for part in spec.parts:
            files.append((part.docx.name, part.docx.read_bytes()))
        for name, data in files:
            write_atomic(work / name, data)
        record = manifest(spec, files, result, signed)
        results = list(checked)
        record.preflight = [r.verdict() for r in results]
        if archive is not None:
            record.pdfa = archive
            if not archive.passed:
                results.append(Result(WHOLE_FILE, archive.findings(), {PDFA_RULE}))
        body = record.to_json()
        write_atomic(work / "manifest.json", body)
        files.append(("manifest.json", body))
        os.chmod(work, 0o777 & ~UMASK)  # mkdtemp makes 0700; give the folder the usual mode
        os.rename(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    prefix = folder.name + "/"
    write_atomic(spec.zip_path, deterministic_zip([(prefix + n, d) for n, d in files], build_time(spec.made_on)))
    return results

