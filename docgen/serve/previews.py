"""Pages of a bundle's PDF as PNG pictures (pypdfium2), made once per PDF version and kept
under the state folder, so that a clerk looks at the pages before downloading."""
from __future__ import annotations

import hashlib
import io
import threading
from pathlib import Path

from ..outputs import write_atomic

_lock = threading.Lock()
"""PDFium is not thread-safe: one page is drawn at a time."""


def page_image(cache: Path, pdf: Path, page: int, scale: float) -> bytes:
    """Page ``page`` (from 1) of ``pdf`` as a PNG at ``scale`` (1 = 72 dpi)."""
    stat = pdf.stat()
    key = hashlib.sha1(f"{pdf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:20]
    target = cache / key / f"{page}-{scale:g}.png"
    if target.is_file():
        return target.read_bytes()
    import pypdfium2 as pdfium

    with _lock:
        document = pdfium.PdfDocument(str(pdf))
        try:
            image = document[page - 1].render(scale=scale).to_pil()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    write_atomic(target, data)
    return data
