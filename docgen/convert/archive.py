"""PDF/A-2b files with the same bytes for the same input.

LibreOffice exports PDF/A-2b (``SelectPdfVersion=2``): fonts embedded, an sRGB OutputIntent,
XMP metadata declaring part 2, level B. What varies between runs is then made fixed:
the dates in the document information, in the XMP metadata and in the colour profile are
the Word file's (``outputs.docx_created``: a day of its data, or ``SOURCE_DATE_EPOCH``), the objects are renumbered in a fixed order,
LibreOffice's /ID and /DocChecksum go, and the /ID is computed from the content (qpdf's
deterministic id). A bundle is merged from plain PDFs (its body and cover, converted
without LibreOffice's PDF/A export, which tags every page) and made PDF/A-2b as a whole
(``archival``): an sRGB OutputIntent and the metadata, which pypdf, which merges and stamps,
does not write; then it is validated like every other PDF.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import struct

import pikepdf

from ..outputs import build_time, pdf_date

SAVE = {"compress_streams": True, "recompress_flate": False, "linearize": False, "deterministic_id": True,
        "object_stream_mode": pikepdf.ObjectStreamMode.generate, "preserve_pdfa": True,
        "stream_decode_level": pikepdf.StreamDecodeLevel.generalized, "normalize_content": False, "qdf": False}
"""pikepdf's save settings for PDF/A-2b (as ``pikepdf.pdfa.resolve_save_kwargs('2b')`` pins
them), with the /ID computed from the content."""

_NS = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/"}
logging.getLogger("pikepdf").addHandler(logging.NullHandler())


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _metadata(pdf: pikepdf.Pdf, when: dt.datetime, *, title: str | None = None, producer: str | None = None,
              declare: bool = False) -> None:
    """Dates (and a title, a producer) in the document information and the XMP metadata, the
    same in both, as PDF/A requires; with ``declare``, the PDF/A-2b declaration too."""
    info = pdf.docinfo
    info["/CreationDate"] = pdf_date(when)
    info["/ModDate"] = pdf_date(when)
    if title is not None:
        info["/Title"] = title
    if producer is not None:
        info["/Producer"] = producer
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        if declare:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        meta["xmp:CreateDate"] = _iso(when)
        meta["xmp:ModifyDate"] = _iso(when)
        meta["xmp:MetadataDate"] = _iso(when)
        if title is not None:
            meta["dc:title"] = title
        if producer is not None:
            meta["pdf:Producer"] = producer
        creator = str(info.get("/Creator", ""))
        if creator:
            meta["xmp:CreatorTool"] = creator


def _copied(pdf: pikepdf.Pdf, value):
    """``value`` of another PDF copied into ``pdf`` (an indirect object with what it refers to)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _copied(pdf, v) for k, v in value.items()})
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copied(pdf, v) for v in value])
    return value


def _fixed_profiles(pdf: pikepdf.Pdf, when: dt.datetime) -> None:
    """The colour profile of each OutputIntent dated ``when``: LibreOffice makes its sRGB
    profile at export and stamps it with the time (ICC header bytes 24-35)."""
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            continue
        data = bytearray(profile.read_bytes())
        if len(data) >= 36:
            data[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
            profile.write(bytes(data))


def _canonical(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    """``pdf`` copied object by object into a new PDF, in the order they are reached from its
    pages and then its catalogue (dictionary keys in sorted order): objects then get the
    same numbers however the writer ordered them (LibreOffice writes the fonts of a tagged
    PDF in an order that varies from run to run), and no /ID or /DocChecksum of the run that
    wrote it is kept (qpdf computes the whole /ID from the content)."""
    out = pikepdf.new()
    out.pages.extend(pdf.pages)
    for key, value in sorted(pdf.Root.items()):
        if key not in ("/Pages", "/Type"):
            out.Root[key] = _copied(out, value)
    info = pdf.trailer.get("/Info")
    if info is not None:
        out.trailer.Info = _copied(out, info)
    return out


def finish(data: bytes, when: dt.datetime | None = None) -> bytes:
    """A PDF from LibreOffice with fixed dates, without /DocChecksum and /OpenAction, its
    objects in a fixed order, with an /ID from its content: the same bytes whenever and
    wherever the same document is converted."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/OpenAction" in pdf.Root:  # 'open at page 1', which the validator does not accept as PDF/A
            del pdf.Root["/OpenAction"]
        with _canonical(pdf) as copy:
            when = when or build_time()
            _fixed_profiles(copy, when)
            _metadata(copy, when)
            out = io.BytesIO()
            copy.save(out, **SAVE)
            return out.getvalue()


def _srgb_intent(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """An sRGB OutputIntent (PDF/A's, ``/GTS_PDFA1``) for a PDF LibreOffice wrote without one:
    the bodies and covers of bundles are converted as plain PDFs (LibreOffice's own PDF/A
    export tags every page, which costs about 15 % of the conversion, and level B does not ask
    for it); the profile is littleCMS's built-in sRGB, through Pillow (the same bytes every
    time; its date is then the document's, ``_fixed_profiles``)."""
    from PIL import ImageCms

    profile = pikepdf.Stream(pdf, ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile.N = 3
    return pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
                              OutputConditionIdentifier="sRGB IEC61966-2.1", Info="sRGB IEC61966-2.1",
                              DestOutputProfile=pdf.make_indirect(profile))


def archival(data: bytes, intent_from: bytes, *, title: str, producer: str, when: dt.datetime | None = None) -> bytes:
    """A merged PDF made PDF/A-2b again: the OutputIntent of ``intent_from`` (the converted
    body it was merged from), XMP metadata declaring PDF/A-2b with the document
    information's title, producer and dates, and a deterministic /ID."""
    with pikepdf.open(io.BytesIO(data)) as pdf, pikepdf.open(io.BytesIO(intent_from)) as source:
        intents = source.Root.get("/OutputIntents")
        if intents is not None:
            pdf.Root.OutputIntents = _copied(pdf, intents)
        else:
            pdf.Root.OutputIntents = pikepdf.Array([_srgb_intent(pdf)])
        with _canonical(pdf) as copy:
            when = when or build_time()
            _fixed_profiles(copy, when)
            _metadata(copy, when, title=title, producer=producer, declare=True)
            out = io.BytesIO()
            copy.save(out, **SAVE)
            return out.getvalue()
