"""A bundle on disk: its folder (Word files, merged PDF, manifest.json) and the same as a zip.

The manifest holds the SHA-256 of every file, the input files' hashes, the tool version and
where each seal went or why a party was not sealed.
"""
from __future__ import annotations

import hashlib
import json
import shutil

from .. import __version__
from ..outputs import build_time, deterministic_zip, write_atomic
from .assemble import Assembled
from .plan import Spec

NOTE = "PDF 上的印章为图片叠加，仅供打印和预览，不是 GB/T 38540 规定的电子印章。"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(spec: Spec, files: list[tuple[str, bytes]], result: Assembled, signed: bool) -> dict:
    return {
        "tool": "docgen", "version": __version__, "created": build_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "programme": spec.loaded.id, "bundle": spec.key, "title": spec.title,
        "inputs": spec.loaded.input_hashes(),
        "files": [{"path": name, "sha256": _sha(data), "size": len(data)} for name, data in sorted(files)],
        "pdf": {"path": spec.pdf_name, "pages": result.pages,
                "documents": [{"title": p.title, "pages": p.pages, "word": p.docx.name} for p in spec.parts]},
        "seals": result.seals,
        "seals_missing": result.missing,
        "signed": signed,
        "note": NOTE,
    }


def write_bundle(spec: Spec, result: Assembled, signed: bool = False) -> None:
    """The bundle's folder, replaced whole, and its zip."""
    folder = spec.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files: list[tuple[str, bytes]] = [(spec.pdf_name, result.pdf)]
    for part in spec.parts:
        files.append((part.docx.name, part.docx.read_bytes()))
    for name, data in files:
        write_atomic(folder / name, data)
    body = (json.dumps(manifest(spec, files, result, signed), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_atomic(folder / "manifest.json", body)
    files.append(("manifest.json", body))
    prefix = folder.name + "/"
    write_atomic(spec.zip_path, deterministic_zip([(prefix + n, d) for n, d in files]))
