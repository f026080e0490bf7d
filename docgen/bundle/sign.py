"""Optional PAdES signature on the merged PDF (``docgen bundle --sign CERT.p12``).

A signature lets the receiver check that the PDF was not altered after signing and who
signed it. It is separate from the seal images, which are only pictures.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from ..errors import SigningError

# pyHanko logs the exceptions it raises; docgen reports them itself, in Chinese.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False


def load_signer(cert: Path, password: str | None):
    try:
        from pyhanko.sign import signers
    except ImportError:
        raise SigningError("签名需要 pyHanko：请运行 .venv/bin/pip install pyhanko") from None
    if not Path(cert).is_file():
        raise SigningError(f"找不到证书文件 {cert}")
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(cert), passphrase=password.encode() if password else None)
    except Exception as exc:  # wrong password or a damaged file
        raise SigningError(f"无法读取证书 {cert}：密码错误或文件已损坏（{type(exc).__name__}）") from None
    if signer is None:
        raise SigningError(f"无法读取证书 {cert}：密码错误或不是 PKCS#12（.p12/.pfx）文件")
    return signer


def sign_pdf(data: bytes, cert: Path, password: str | None, reason: str = "结对帮扶报送材料") -> bytes:
    """``data`` signed as PAdES baseline B-B in a new, invisible signature field."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer(cert, password)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name="docgen", reason=reason,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()
