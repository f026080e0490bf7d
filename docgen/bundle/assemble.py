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
from pypdf.constants import PageLabelStyle

from .. import __version__, geometry
from ..convert.archive import archival
from ..options import BundleOptions
from ..outputs import build_time, pdf_date
from ..preflight.anchors import Marks, read_marks
from ..preflight.page import Page, Shared, read
from ..records import Box, Draft, PlacedDocument, PrintedName, SealMissing, SealPlaced
from .plan import Part, Sheet, Spec
from .seals import SealImage, draw, place, printed


@dataclass
class Assembled:
    """The merged PDF of one bundle and where its seals went (or why not)."""

    pdf: bytes
    pages: int
    seals: list[SealPlaced] = field(default_factory=list)
    missing: list[SealMissing] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    """Documents left unsealed because they still hold drafts or blanks, with what to fill in."""
    signatures: list[PrintedName] = field(default_factory=list)
    """Where every signer's name is printed (sealed or not), for the preflight."""
    layout: list[PlacedDocument] = field(default_factory=list)
    """Per document: its first page in the merged PDF and its pages (padding included)."""
    archive_seconds: float = 0.0
    """Making the merged PDF a PDF/A again (metadata, OutputIntent)."""
    text: MergedPages | None = None
    """What each page of the merged PDF shows, read when the preflight asks (then let go)."""


def locate_parts(spec: Spec, bodies: list[PdfReader]) -> str:
    """Set each part's body, first page and page count from the bookmarks its documents were
    marked with: ``bodies`` are the converted bodies, one for a bundle composed into one,
    one per part for a bundle converted apart (``Spec.apart``).

    Returns an empty string, or what is wrong."""
    starts: dict[int, tuple[int, int]] = {}  # part -> (its body, its first page there)
    marked: dict[int, Marks] = {}  # part -> the bookmarks of its body
    for file, body in enumerate(bodies):
        marks = read_marks(body)
        for i, page in marks.starts.items():
            starts[i], marked[i] = (file, page), marks
    if sorted(starts) != list(range(1, len(spec.parts) + 1)):
        return f"转换后的 PDF 中只找到 {len(starts)} 个文件起点（应为 {len(spec.parts)} 个）"
    for i, part in enumerate(spec.parts, 1):
        part.file, part.first = starts[i]
        after = starts.get(i + 1)
        end = after[1] if after is not None and after[0] == part.file else len(bodies[part.file].pages)
        part.pages = end - part.first
        part.attachment_pages = [page for _, page in sorted(marked[i].attachments.get(i, {}).items())]
        part.anchors = marked[i].signers.get(i, {})
        if part.pages <= 0:
            return f"{part.title} 在转换后的 PDF 中没有页面"
    return ""


class PageText:
    """What the converted body's pages show, read on demand: by seal placement (each page
    kept: a signing page is read for every signer on it), then by the preflight (a page not
    kept: a bureau's bundle has thousands)."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.shared = Shared()
        self._pages: dict[int, Page] = {}

    def page(self, index: int) -> Page:
        if index not in self._pages:
            self._pages[index] = read(self.reader.pages[index], self.shared)
        return self._pages[index]

    def passing(self, index: int) -> Page:
        """The page as seal placement read it, or read again and not kept."""
        return self._pages.get(index) or read(self.reader.pages[index], self.shared)


@dataclass
class MergedPages:
    """What each page of the merged PDF shows, as the preflight would read it from the file
    written, read when asked: a body page from its converted body (the same content stream;
    its fonts read once per body), a page with a seal stamped on it, the cover's and padding
    pages from the merged PDF's own page."""

    writer: PdfWriter
    sources: list[tuple[PageText, int] | None]
    """The body page each merged page is (its body's text, its page there), or None."""
    stamped: set[int]
    shared: Shared = field(default_factory=Shared)

    def __len__(self) -> int:
        return len(self.sources)

    def page(self, index: int) -> Page:
        at = self.sources[index]
        if at is not None and index not in self.stamped:
            return at[0].passing(at[1])
        return read(self.writer.pages[index], self.shared)


@dataclass
class _Stamp:
    """A seal about to be drawn: on which page of the merged PDF, and where."""

    signer: SealPlaced
    target: int
    """0-based page of the merged PDF."""
    seal: SealImage


class _Stamper:
    """Stamps seals into one bundle's writer; each seal image is added to the PDF once."""

    def __init__(self, writer: PdfWriter, options: BundleOptions, result: Assembled):
        self.writer = writer
        self.options = options
        self.result = result
        self._images: dict[Path, SealImage] = {}
        self.stamped: set[int] = set()
        """The pages (0-based, of the merged PDF) with a seal drawn on them."""

    def stamp(self, part: Part, start: int, text: PageText) -> None:
        if part.gaps:
            self.result.drafts.append(Draft(part.title, part.docx.name, part.gaps))
        placed = []
        for n, signer in enumerate(part.signers):

            def missing(reason: str, signer=signer) -> SealMissing:
                return SealMissing(part.title, signer.name, signer.role, reason)

            anchor = part.anchors.get(n + 1)
            target = start + anchor.page - part.first if anchor else None
            if anchor is not None and target is not None:
                name_box, _ = printed(functools.partial(text.page, anchor.page), anchor)
                self.result.signatures.append(PrintedName(part.title, signer.name, signer.role, target + 1, name_box))
            if part.gaps:
                self.result.missing.append(missing("文件有草稿或待填写内容"))
                continue
            if signer.seal is None:
                self.result.missing.append(missing(signer.pending or "未提供公章图片"))
                continue
            if signer.pending:
                self.result.missing.append(missing(signer.pending))
                continue
            if anchor is None or target is None:
                self.result.missing.append(missing("未找到签署位置"))
                continue
            seal = self._images.get(signer.seal)
            if seal is None:
                seal = self._images[signer.seal] = SealImage.load(signer.seal, self.writer)
            name_box, box = place(functools.partial(text.page, anchor.page), anchor, seal, self.options.seal_mm)
            entry = SealPlaced(part.title, signer.name, signer.role, signer.seal.name,
                               seal.name.removeprefix("/DocgenSeal"), target + 1, name_box, box)
            placed.append(_Stamp(entry, target, seal))
        for stamp in _in_rows(placed):
            draw(self.writer, self.writer.pages[stamp.target], stamp.seal, stamp.signer.seal_box)
            self.result.seals.append(stamp.signer)
            self.stamped.add(stamp.target)


def _in_rows(placed: list[_Stamp]) -> list[_Stamp]:
    """Seals side by side on one page stand on one line: names of two and three lines would
    otherwise set them a few points apart (GB/T 9704 7.3.5.1: 排列整齐)."""
    rows: list[list[_Stamp]] = []
    for stamp in placed:
        box = stamp.signer.seal_box
        row = next((r for r in rows if r[0].target == stamp.target
                    and abs(r[0].signer.seal_box.middle_y - box.middle_y) < (box.y1 - box.y0) / 4), None)
        if row is None:
            rows.append([stamp])
        else:
            row.append(stamp)
    for row in rows:
        centre = sum(s.signer.seal_box.middle_y for s in row) / len(row)
        for stamp in row:
            old = stamp.signer.seal_box
            cy = old.middle_y
            stamp.signer = replace(stamp.signer, seal_box=Box(old.x0, old.y0 + centre - cy, old.x1, old.y1 + centre - cy))
    return placed


def assemble(spec: Sheet, cover_pdf: Path, body_pdfs: list[Path], options: BundleOptions) -> Assembled:
    """Cover and body merged, stamped, labelled and bookmarked into one PDF/A-2b (not yet
    signed: the bundle is validated, then signed, by ``make``). ``body_pdfs``: the converted
    body, or each part's when they were converted apart (``Part.file`` says which)."""
    when = build_time(spec.made_on)
    writer = PdfWriter()
    result = Assembled(b"", 0)
    stamper = _Stamper(writer, options, result)
    cover = PdfReader(cover_pdf)
    texts = [PageText(PdfReader(path)) for path in body_pdfs]
    body_pages: list[tuple[PageText, int] | None] = []  # the body page each merged page is, or None
    for page in cover.pages:
        writer.add_page(page)
    writer.set_page_label(0, 0, prefix="封面")
    if len(cover.pages) > 1:
        writer.set_page_label(1, len(cover.pages) - 1, style=PageLabelStyle.DECIMAL, prefix="目录-", start=1)
    if options.duplex and len(cover.pages) % 2:
        writer.add_blank_page(geometry.PAGE_W_PT, geometry.PAGE_H_PT)
    body_pages += [None] * len(writer.pages)
    for index, part in enumerate(spec.parts, 1):
        start, text = len(writer.pages), texts[part.file]
        for k in range(part.first, part.first + part.pages):
            writer.add_page(text.reader.pages[k])
            body_pages.append((text, k))
        end = len(writer.pages) - 1
        writer.set_page_label(start, end, style=PageLabelStyle.DECIMAL, prefix=f"{index}-", start=1)
        mark = writer.add_outline_item(title=part.title, page_number=start)
        for k, page_no in enumerate(part.attachment_pages):
            label = part.attachments[k] if k < len(part.attachments) else f"附件{k + 1}"
            writer.add_outline_item(title=label, page_number=start + page_no - part.first, parent=mark)
        stamper.stamp(part, start, text)
        if options.duplex and part.pages % 2:
            writer.add_blank_page(geometry.PAGE_W_PT, geometry.PAGE_H_PT)
            writer.set_page_label(end + 1, end + 1, style=PageLabelStyle.DECIMAL, prefix=f"{index}-", start=part.pages + 1)
            body_pages.append(None)
        result.layout.append(PlacedDocument(part.title, part.family, part.docx.name, start + 1, len(writer.pages) - start,
                                            part.pages))
    result.text = MergedPages(writer, body_pages, stamper.stamped)
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
        result.pdf = archival(result.pdf, body_pdfs[0].read_bytes(), title=spec.title, producer=f"docgen {__version__}",
                              when=when)
        result.archive_seconds = time.perf_counter() - started
    return result
