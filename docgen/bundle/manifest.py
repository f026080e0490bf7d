"""A bundle on disk: its folder (Word files, merged PDF, manifest.json) and the same as a zip.

The manifest holds the SHA-256 of every file, the input files' hashes, the tool version and
where each seal went or why a party was not sealed.
"""
from __future__ import annotations

import hashlib
import shutil
import time

from .. import __version__
from ..outputs import build_time, deterministic_zip, write_atomic
from ..preflight.check import Result, check, documents_from_manifest, pages_of
from ..records import FileEntry, Manifest
from .assemble import Assembled
from .plan import Spec

NOTE = "PDF 上的印章为图片叠加，仅供打印和预览，不是 GB/T 38540 规定的电子印章。"


def manifest(spec: Spec, files: list[tuple[str, bytes]], result: Assembled, signed: bool) -> Manifest:
    return Manifest(
        version=__version__, created=build_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
        programme=spec.loaded.id, bundle=spec.key, title=spec.title,
        inputs=spec.inputs or spec.loaded.input_hashes(),
        files=[FileEntry(name, hashlib.sha256(data).hexdigest(), len(data)) for name, data in sorted(files)],
        pdf_path=spec.pdf_name, pdf_pages=result.pages, documents=result.layout,
        signatures=result.signatures, seals=result.seals, seals_missing=result.missing, unfinished=result.drafts,
        signed=signed, note=NOTE)


def write_bundle(spec: Spec, result: Assembled, signed: bool = False) -> tuple[list[Result], float]:
    """The bundle's folder, replaced whole, and its zip; the preflight's results of its PDF,
    which the manifest records too, and the seconds the preflight took."""
    folder = spec.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[tuple[str, bytes]] = [(spec.pdf_name, result.pdf)]
    for part in spec.parts:
        files.append((part.docx.name, part.docx.read_bytes()))
    for name, data in files:
        write_atomic(folder / name, data)
    record = manifest(spec, files, result, signed)
    started = time.perf_counter()
    results = check(documents_from_manifest(pages_of(result.pdf), record))
    seconds = time.perf_counter() - started
    record.preflight = [r.verdict() for r in results]
    body = record.to_json()
    write_atomic(folder / "manifest.json", body)
    files.append(("manifest.json", body))
    prefix = folder.name + "/"
    write_atomic(spec.zip_path, deterministic_zip([(prefix + n, d) for n, d in files]))
    return results, seconds
