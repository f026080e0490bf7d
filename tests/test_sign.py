"""PAdES signing: a signed bundle validates, and a modified copy does not."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.conftest import needs_libreoffice
from tests.helpers import run

pytestmark = needs_libreoffice


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed signing certificate, as a .p12 with a password."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "docgen 测试证书"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "示例学校")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("cert")
    p12 = folder / "test.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"docgen", key, cert, None,
                                                          serialization.BestAvailableEncryption(b"secret")))
    (folder / "test.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return p12, folder / "test.pem"


def _validate(path, pem):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(pem))])
    with open(path, "rb") as handle:
        signatures = PdfFileReader(handle).embedded_signatures
        assert len(signatures) == 1
        return validate_pdf_signature(signatures[0], context)


def test_signed_bundle_validates_and_a_modified_copy_fails(certificate, tmp_path):
    p12, pem = certificate
    out = tmp_path / "out"
    result = run("bundle", "data/gaotai-2020", "-o", out, "-p", "sanzhong", "--sign", p12,
                 env={"DOCGEN_SIGN_PASSWORD": "secret"})
    assert result.returncode in (0, 7), result.stderr  # 7: the pairing's 计划表 is left to fill in
    folder = out / "gaotai-2020" / "bundles" / "sanzhong"
    pdf = next(folder.glob("报送材料_*.pdf"))
    status = _validate(pdf, pem)
    assert status.intact and status.valid and status.trusted
    assert json.loads((folder / "manifest.json").read_text("utf-8"))["signed"] is True
    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Producer")  # a byte inside the signed range
    data[at + 2] = ord("X")
    modified = tmp_path / "modified.pdf"
    modified.write_bytes(bytes(data))
    assert not _validate(modified, pem).intact


def test_wrong_password_is_explained(certificate, tmp_path):
    p12, _ = certificate
    result = run("bundle", "data/gaotai-2020", "-o", tmp_path, "-p", "sanzhong", "--sign", p12, "--sign-password", "wrong")
    assert result.returncode == 6 and "密码错误" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "gaotai-2020").exists()  # failed before doing any work


def test_a_signed_bundle_keeps_its_pdfa_claim(certificate, tmp_path):
    """The bundle is validated as PDF/A-2b before it is signed (the manifest says so); the
    signature is an incremental update, so the bytes before it are that validated file; the
    stamp on the cover is drawn in an embedded TrueType font, and nothing the signature adds
    breaks PDF/A (the validator only says it cannot judge the signature form)."""
    import io

    import pikepdf
    import pikepdf.pdfa

    p12, _ = certificate
    out = tmp_path / "out"
    result = run("bundle", "data/gaotai-2020", "-o", out, "-p", "sanzhong", "--sign", p12,
                 env={"DOCGEN_SIGN_PASSWORD": "secret"})
    assert result.returncode in (0, 7), result.stderr
    folder = out / "gaotai-2020" / "bundles" / "sanzhong"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["pdfa"] == {"flavour": "PDF/A-2b", "passed": True, "checked": "before signing", "reasons": []}
    data = next(folder.glob("报送材料_*.pdf")).read_bytes()
    unsigned = data[:data.index(b"%%EOF") + 5]
    assert pikepdf.pdfa.validate_written(io.BytesIO(unsigned), "2b").passed
    signed = pikepdf.pdfa.validate_written(io.BytesIO(data), "2b")
    assert [f for f in signed.findings if f.kind == "violation"] == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        widget = next(a for a in pdf.pages[0].get("/Annots", []) if a.get("/FT") == "/Sig")
        fonts = widget.AP.N.Resources.Font
        for font in fonts.values():
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert "/FontFile2" in descriptor, font.BaseFont  # an embedded TrueType program
