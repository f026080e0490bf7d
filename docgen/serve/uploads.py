"""What a clerk uploads, checked before anything reads it: the size, what the file really is
(by its first bytes, not its name), spreadsheets that would unpack to far more than they
weigh (zip and shared-string bombs), and names made safe to store (no folders, no control
characters, not too long)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from pathlib import Path

from ..errors import UsageError

MAX_UPLOAD = 20 * 1024 * 1024
"""The largest request body the workspace reads (a pair list is tens of kB, a photo a few MB)."""
MAX_UNPACKED = 100 * 1024 * 1024
"""What a spreadsheet may unpack to in all (a real pair list of 1 000 rows: under 1 MB)."""
MAX_RATIO = 200
"""How much smaller than its content one entry of a spreadsheet may be packed (text packs ~10×)."""
MAX_ENTRIES = 2000

SHEET_SUFFIXES = (".xlsx", ".csv")
EVIDENCE_TYPES = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


class BadUpload(UsageError):
    """An upload refused, saying why in Chinese; nothing of it was kept."""


class TooLarge(BadUpload):
    """The request is larger than ``MAX_UPLOAD``."""

    def __init__(self, limit: int = MAX_UPLOAD):
        super().__init__(f"上传的文件太大（不能超过 {limit // (1024 * 1024)} MB）：请确认选对了文件；照片可先压缩后再上传")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_RESERVED = re.compile(r'[/\\:*?"<>|]')
MAX_NAME_BYTES = 120


def safe_filename(name: str, default: str = "文件") -> str:
    """The last part of an uploaded file's name (never a folder), without control or reserved
    characters, white space and leading dots, at most ``MAX_NAME_BYTES`` bytes (a long name keeps its
    extension and ends in a digest of the whole, so two long names stay apart)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _RESERVED.sub("_", _CONTROL.sub("", name)).strip().lstrip(".").strip()
    name = re.sub(r"\s+", "_", name)  # a data value drops the space between two hanzi: the path would not match
    if not name or set(name) <= {"_", "."}:
        name = default
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8:
        stem, suffix = name, ""
    suffix = suffix.lower()
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        tag = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        room = MAX_NAME_BYTES - len(suffix) - len(tag) - 3
        while len(stem.encode("utf-8")) > room:
            stem = stem[:-1]
        stem = f"{stem}…{tag}"
    return f"{stem}.{suffix}" if suffix else stem


def check_sheet(name: str, data: bytes) -> str:
    """The suffix (.xlsx or .csv) of an uploaded spreadsheet, or ``BadUpload`` saying why not."""
    shown = safe_filename(name)
    suffix = Path(shown).suffix.lower()
    if not data:
        raise BadUpload(f"“{shown}”是空文件")
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadUpload(f"“{shown}”是旧版 Excel 文件（.xls）：请在 Excel 或 WPS 中“另存为”.xlsx 后再上传")
    if data.startswith(b"PK\x03\x04"):
        _check_zip(shown, data)
        return ".xlsx"
    if suffix == ".xlsx":
        raise BadUpload(f"“{shown}”不是 Excel 文件（内容不是 .xlsx 格式，可能只是改了扩展名）：请在 Excel 或 WPS 中另存为 .xlsx")
    if suffix == ".csv" or suffix == "":
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise BadUpload(f"“{shown}”不是文本表格（.csv）：请上传 .xlsx 或 .csv 文件")
        return ".csv"
    raise BadUpload(f"“{shown}”不是表格：只能上传 .xlsx 或 .csv 文件（而不是 {suffix}）")


def _check_zip(shown: str, data: bytes) -> None:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadUpload(f"“{shown}”已损坏，无法打开：请在 Excel 或 WPS 中重新保存后上传") from None
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise BadUpload(f"“{shown}”不是 Excel 表格（可能是 Word 文件或其他压缩包）：请上传 .xlsx 或 .csv 文件")
    if len(entries) > MAX_ENTRIES:
        raise BadUpload(f"“{shown}”内部有 {len(entries)} 个部件，不像正常的表格，已拒绝")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNPACKED:
        raise BadUpload(f"“{shown}”解压后有 {total / 1e6:.0f} MB，远大于正常的表格（可能是“压缩炸弹”），已拒绝")
    for entry in entries:
        if entry.compress_size and entry.file_size > 1_000_000 and entry.file_size / entry.compress_size > MAX_RATIO:
            raise BadUpload(f"“{shown}”中的 {entry.filename} 压缩比异常（{entry.file_size // entry.compress_size} 倍），"
                            "不像正常的表格（可能是“压缩炸弹”），已拒绝")


def check_evidence(name: str, data: bytes) -> str:
    """The safe name to store an evidence file under, or ``BadUpload``: only photos (JPEG,
    PNG) and PDF files, recognised by their content."""
    shown = safe_filename(name, "证明材料")
    if not data:
        raise BadUpload(f"“{shown}”是空文件")
    for suffix, magic in EVIDENCE_TYPES.items():
        if data.startswith(magic):
            stem = Path(shown).stem if Path(shown).suffix.lower() in EVIDENCE_TYPES else shown
            if suffix == ".jpeg":
                suffix = ".jpg"
            return safe_filename(f"{stem}{suffix}")
    raise BadUpload(f"“{shown}”不是照片或 PDF：证明材料只能上传 JPG、PNG 图片或 PDF 文件")
