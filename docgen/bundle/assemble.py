"""One bundle's PDF: cover and body merged, page labels that keep each document's own
numbering, a bookmark per document and per attachment, and each signer's seal stamped
where it signs."""
from __future__ import annotations

import functools
import io
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .. import __version__, geometry
from ..convert.archive import archival
from ..outputs import build_time, pdf_date
from ..preflight.anchors import read_marks
from ..preflight.page import Page, read
from .plan import Part, Spec
from .seals import SealImage, draw, place, printed


@dataclass
class Options:
    duplex: bool = False
    seal_mm: float = 42.0
    sign_cert: Path | None = None
    sign_password: str | None = None
    archive: bool = True
    """PDF/A-2b bundles (``convert.archive``); off only to measure what it costs (bench/run.py)."""


@dataclass
class Assembled:
    """The merged PDF of one bundle and where its seals went (or why not)."""

    pdf: bytes
    pages: int
    seals: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    drafts: list[dict] = field(default_factory=list)
    """Documents left unsealed because they still hold drafts or blanks, with what to fill in."""
    signatures: list[dict] = field(default_factory=list)
    """Where every signer's name is printed (sealed or not), for the preflight."""
    layout: list[dict] = field(default_factory=list)
    """Per document: its first page in the merged PDF and its pages (padding included)."""
    archive_seconds: float = 0.0
    """Making the merged PDF a PDF/A again (metadata, OutputIntent)."""


def locate_parts(spec: Spec, body: PdfReader) -> str:
    """Set each part's first page and page count from the bookmarks compose() placed.

    Returns an empty string, or what is wrong."""
    marks = read_marks(body)
    starts = marks.starts
    if sorted(starts) != list(range(1, len(spec.parts) + 1)):
        return f"转换后的 PDF 中只找到 {len(starts)} 个文件起点（应为 {len(spec.parts)} 个）"
    total = len(body.pages)
    for i, part in enumerate(spec.parts, 1):
        part.first = starts[i]
        part.pages = (starts[i + 1] if i < len(spec.parts) else total) - starts[i]
        part.attachment_pages = [page for _, page in sorted(marks.attachments.get(i, {}).items())]
        part.anchors = marks.signers.get(i, {})
        if part.pages <= 0:
            return f"{part.title} 在转换后的 PDF 中没有页面"
    return ""


class PageText:
    """What the converted body's pages show, each page read once, on demand."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self._fonts: dict = {}
        self._pages: dict[int, Page] = {}

    def page(self, index: int) -> Page:
        if index not in self._pages:
            self._pages[index] = read(self.reader.pages[index], self._fonts)
        return self._pages[index]


class _Stamper:
    """Stamps seals into one bundle's writer; each seal image is added to the PDF once."""

    def __init__(self, writer: PdfWriter, options: Options, result: Assembled):
        self.writer = writer
        self.options = options
        self.result = result
        self._images: dict[Path, SealImage] = {}

    def stamp(self, part: Part, start: int, text: PageText) -> None:
        if part.gaps:
            self.result.drafts.append({"document": part.title, "word": part.docx.name, "gaps": part.gaps})
        placed = []
        for n, signer in enumerate(part.signers):
            entry = {"document": part.title, "party": signer.name, "role": signer.role}
            anchor = part.anchors.get(n + 1)
            target = start + anchor.page - part.first if anchor else None
            if anchor is not None:
                name_box, _ = printed(functools.partial(text.page, anchor.page), target, anchor)
                self.result.signatures.append({**entry, "page": target + 1, "name_box": name_box.as_list()})
            if part.gaps:
                self.result.missing.append({**entry, "reason": "文件有草稿或待填写内容"})
                continue
            if signer.seal is None:
                self.result.missing.append({**entry, "reason": signer.pending or "未提供公章图片"})
                continue
            if signer.pending:
                self.result.missing.append({**entry, "reason": signer.pending})
                continue
            if anchor is None:
                self.result.missing.append({**entry, "reason": "未找到签署位置"})
                continue
            seal = self._images.get(signer.seal)
            if seal is None:
                seal = self._images[signer.seal] = SealImage.load(signer.seal, self.writer)
            name_box, box = place(functools.partial(text.page, anchor.page), target, anchor, seal, self.options.seal_mm)
            placed.append((entry, target, seal, name_box, box, signer.seal.name))
        for entry, target, seal, name_box, box, image in _in_rows(placed):
            draw(self.writer, self.writer.pages[target], seal, box)
            self.result.seals.append({**entry, "image": image, "image_digest": seal.name.removeprefix("/DocgenSeal"),
                                      "page": target + 1, "name_box": name_box.as_list(), "seal_box": box.as_list()})


def _in_rows(placed: list[tuple]) -> list[tuple]:
    """Seals side by side on one page stand on one line: names of two and three lines would
    otherwise set them a few points apart (GB/T 9704 7.3.5.1: 排列整齐)."""
    rows: list[list[int]] = []
    for i, (_, target, _, _, box, _) in enumerate(placed):
        row = next((r for r in rows if placed[r[0]][1] == target
                    and abs((placed[r[0]][4].y0 + placed[r[0]][4].y1) - (box.y0 + box.y1)) / 2 < (box.y1 - box.y0) / 4), None)
        if row is None:
            rows.append([i])
        else:
            row.append(i)
    out = list(placed)
    for row in rows:
        shift = [(placed[i][4].y0 + placed[i][4].y1) / 2 for i in row]
        centre = sum(shift) / len(shift)
        for i, cy in zip(row, shift):
            entry, target, seal, name_box, box, image = placed[i]
            out[i] = (entry, target, seal, name_box, replace(box, y0=box.y0 + centre - cy, y1=box.y1 + centre - cy), image)
    return out


def assemble(spec: Spec, cover_pdf: Path, body_pdf: Path, options: Options) -> Assembled:
    """Cover and body merged, stamped, labelled and bookmarked into one PDF/A-2b (not yet
    signed: the bundle is validated, then signed, by ``make``)."""
    when = build_time()
    writer = PdfWriter()
    result = Assembled(b"", 0)
    stamper = _Stamper(writer, options, result)
    cover = PdfReader(cover_pdf)
    body = PdfReader(body_pdf)
    text = PageText(body)
    for page in cover.pages:
        writer.add_page(page)
    writer.set_page_label(0, 0, prefix="封面")
    if len(cover.pages) > 1:
        writer.set_page_label(1, len(cover.pages) - 1, style="/D", prefix="目录-", start=1)
    if options.duplex and len(cover.pages) % 2:
        writer.add_blank_page(geometry.PAGE_W_PT, geometry.PAGE_H_PT)
    for index, part in enumerate(spec.parts, 1):
        start = len(writer.pages)
        for k in range(part.first, part.first + part.pages):
            writer.add_page(body.pages[k])
        end = len(writer.pages) - 1
        writer.set_page_label(start, end, style="/D", prefix=f"{index}-", start=1)
        mark = writer.add_outline_item(title=part.title, page_number=start)
        for k, page_no in enumerate(part.attachment_pages):
            label = part.attachments[k] if k < len(part.attachments) else f"附件{k + 1}"
            writer.add_outline_item(title=label, page_number=start + page_no - part.first, parent=mark)
        stamper.stamp(part, start, text)
        if options.duplex and part.pages % 2:
            writer.add_blank_page(geometry.PAGE_W_PT, geometry.PAGE_H_PT)
            writer.set_page_label(end + 1, end + 1, style="/D", prefix=f"{index}-", start=part.pages + 1)
        result.layout.append({"first_page": start + 1, "pages": len(writer.pages) - start, "printed_pages": part.pages})
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": spec.title, "/Producer": f"docgen {__version__}", "/Creator": "docgen",
                         "/CreationDate": pdf_date(when), "/ModDate": pdf_date(when)})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    result.pages = len(writer.pages)
    result.pdf = buffer.getvalue()
    if options.archive:
        started = time.perf_counter()
        result.pdf = archival(result.pdf, body_pdf.read_bytes(), title=spec.title, producer=f"docgen {__version__}",
                              when=when)
        result.archive_seconds = time.perf_counter() - started
    return result
