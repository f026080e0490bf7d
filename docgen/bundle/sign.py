"""Optional PAdES signature on the merged PDF (``docgen bundle --sign CERT.p12``).

A signature lets the receiver check that the PDF was not altered after signing and who
signed it. It is separate from the seal images, which are only pictures.

The signature is added as an incremental update, so the PDF/A-2b file stays as it was
validated; its visible stamp (on the cover, below the contents) is drawn in an embedded
TrueType font (FandolFang, subset), as PDF/A requires of every font shown.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from ..convert.fonts import font_file
from ..errors import SigningError
from ..geometry import TYPE_RIGHT

# pyHanko logs the exceptions it raises; docgen reports them itself, in Chinese.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False

STAMP_FONT = "FandolFang"
STAMP_BOX = (int(TYPE_RIGHT) - 230, 108, int(TYPE_RIGHT), 152)
"""Where the stamp stands on the cover: the right of the type area's foot (PDF points)."""
STAMP_TEXT = "本文件已数字签名\n签名人：%(signer)s\n签名时间：%(ts)s"


def load_signer(cert: Path, password: str | None):
    try:
        from pyhanko.sign import signers
    except ImportError:
        raise SigningError("签名需要 pyHanko：请运行 .venv/bin/pip install 'pyhanko[opentype]'") from None
    if not Path(cert).is_file():
        raise SigningError(f"找不到证书文件 {cert}")
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(cert), passphrase=password.encode() if password else None)
    except Exception as exc:  # wrong password or a damaged file
        raise SigningError(f"无法读取证书 {cert}：密码错误或文件已损坏（{type(exc).__name__}）") from None
    if signer is None:
        raise SigningError(f"无法读取证书 {cert}：密码错误或不是 PKCS#12（.p12/.pfx）文件")
    return signer


def _stamp_style():
    """A text stamp in an embedded TrueType font, without pyHanko's background picture."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = font_file(STAMP_FONT)
    if font is None:
        raise SigningError(f"签名的可见标记需要 TrueType 字体 {STAMP_FONT}：请运行 scripts/setup.sh 安装字体")
    return TextStampStyle(stamp_text=STAMP_TEXT, timestamp_format="%Y-%m-%d %H:%M:%S %Z", background=None,
                          border_width=1, text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font)),
                                                                      font_size=9, leading=12))


def sign_pdf(data: bytes, cert: Path, password: str | None, reason: str = "结对帮扶报送材料") -> bytes:
    """``data`` signed as PAdES baseline B-B in a new signature field, shown on the cover."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer(cert, password)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name="docgen", reason=reason, subfilter=fields.SigSeedSubFilter.PADES)
    field = fields.SigFieldSpec("docgen", on_page=0, box=STAMP_BOX)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style(), new_field_spec=field)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
