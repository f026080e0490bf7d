"""Deterministic .docx packaging: fixed timestamps and a stable zip layout."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

DEFAULT_EPOCH = 1577836800  # 2020-01-01T00:00:00Z, used when SOURCE_DATE_EPOCH is not set


def build_time() -> dt.datetime:
    """The timestamp written into outputs: ``SOURCE_DATE_EPOCH`` if set, else a fixed date."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    epoch = int(raw) if raw.isdigit() else DEFAULT_EPOCH
    return dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.timezone.utc).replace(tzinfo=None)


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_docx(data: bytes, when: dt.datetime | None = None) -> bytes:
    """Rewrite a .docx so that the same content always gives the same bytes.

    python-docx stamps zip entries with the current time; this rewrites every entry with
    one fixed time, in the original order, and pins the core-property dates.
    """
    when = when or build_time()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, body, compresslevel=6)
    return out.getvalue()
