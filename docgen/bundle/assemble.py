"""One bundle's PDF: cover and body merged, page labels that keep each document's own
numbering, a bookmark per document and per attachment, and each signer's seal stamped
where it signs."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .. import __version__, geometry
from ..outputs import build_time, pdf_date
from .plan import Part, Spec
from .seals import Line, SealImage, draw, find_signature, page_lines, seal_box


@dataclass
class Options:
    duplex: bool = False
    seal_mm: float = 42.0
    sign_cert: Path | None = None
    sign_password: str | None = None


@dataclass
class Assembled:
    """The merged PDF of one bundle and where its seals went (or why not)."""

    pdf: bytes
    pages: int
    seals: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)


def locate_parts(spec: Spec, body: PdfReader) -> str:
    """Set each part's first page and page count from the bookmarks compose() placed.

    Returns an empty string, or what is wrong."""
    starts: dict[int, int] = {}
    attachments: dict[int, dict[int, int]] = {}
    for name, dest in body.named_destinations.items():
        m = re.fullmatch(r"/?docgenpart(\d+)(?:att(\d+))?", str(name))
        if m and m.group(2):
            attachments.setdefault(int(m.group(1)), {})[int(m.group(2))] = body.get_destination_page_number(dest)
        elif m:
            starts[int(m.group(1))] = body.get_destination_page_number(dest)
    if sorted(starts) != list(range(1, len(spec.parts) + 1)):
        return f"转换后的 PDF 中只找到 {len(starts)} 个文件起点（应为 {len(spec.parts)} 个）"
    total = len(body.pages)
    for i, part in enumerate(spec.parts, 1):
        part.first = starts[i]
        part.pages = (starts[i + 1] if i < len(spec.parts) else total) - starts[i]
        part.attachment_pages = [page for _, page in sorted(attachments.get(i, {}).items())]
        if part.pages <= 0:
            return f"{part.title} 在转换后的 PDF 中没有页面"
    return ""


class PageText:
    """The text lines of a converted body's pages, read once each, on demand."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self._fonts: dict = {}
        self._lines: dict[int, list[Line]] = {}

    def lines(self, index: int) -> list[Line]:
        if index not in self._lines:
            self._lines[index] = page_lines(self.reader.pages[index], self._fonts)
        return self._lines[index]


def _signature_places(part: Part, text: PageText) -> dict[int, tuple]:
    """Where each sealed signer of ``part`` signs: signer index -> (page, line, name box, date y).

    Pages are read from the end of the document backwards, only as far as needed:
    signatures stand near the end, before any attachments (附件)."""
    last = part.first + part.pages - 1
    if part.attachment_pages:
        last = max(part.first, min(part.attachment_pages) - 1)
    found: dict[int, tuple] = {}
    pending = [n for n, s in enumerate(part.signers) if s.seal is not None]
    for k in range(last, part.first - 1, -1):
        if not pending:
            break
        window = [text.lines(i) for i in range(k, last + 1)]
        for n in list(pending):
            hit = find_signature(window, part.signers[n].name)
            if hit is not None:
                found[n] = (k + hit[0], *hit[1:])
                pending.remove(n)
    return found


class _Stamper:
    """Stamps seals into one bundle's writer; each seal image is added to the PDF once."""

    def __init__(self, writer: PdfWriter, options: Options, result: Assembled):
        self.writer = writer
        self.options = options
        self.result = result
        self._images: dict[Path, SealImage] = {}

    def stamp(self, part: Part, start: int, text: PageText) -> None:
        found = _signature_places(part, text)
        for n, signer in enumerate(part.signers):
            entry = {"document": part.title, "party": signer.name, "role": signer.role}
            if signer.seal is None:
                self.result.missing.append({**entry, "reason": "未提供公章图片"})
                continue
            if n not in found:
                self.result.missing.append({**entry, "reason": "未找到签署位置"})
                continue
            page_index, line, name_box, date_y = found[n]
            seal = self._images.get(signer.seal)
            if seal is None:
                seal = self._images[signer.seal] = SealImage.load(signer.seal, self.writer)
            box = seal_box(name_box, line.y, date_y, seal, self.options.seal_mm)
            target = start + page_index - part.first
            draw(self.writer, self.writer.pages[target], seal, box, f"DocgenSeal{n}")
            self.result.seals.append({**entry, "image": signer.seal.name, "page": target + 1,
                                      "name_box": name_box.as_list(), "seal_box": box.as_list()})


def assemble(spec: Spec, cover_pdf: Path, body_pdf: Path, options: Options) -> Assembled:
    """Cover and body merged, stamped, labelled and bookmarked into one PDF."""
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
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": spec.title, "/Producer": f"docgen {__version__}", "/Creator": "docgen",
                         "/CreationDate": pdf_date(when), "/ModDate": pdf_date(when)})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    result.pages = len(writer.pages)
    result.pdf = buffer.getvalue()
    if options.sign_cert:
        from .sign import sign_pdf

        result.pdf = sign_pdf(result.pdf, options.sign_cert, options.sign_password)
    return result
