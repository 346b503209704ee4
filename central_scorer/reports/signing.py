"""The centre's signature on what it hands out: report PDFs signed in the file (PAdES, pyHanko),
exports with a detached CMS signature beside them (`FILE.p7s`, DER), and `verify` for both.

The document-signing key is the centre's own (ECDSA P-256, `keys/centre-documents.key`, 0600) with
a certificate that names the centre (`keys/centre-documents.crt`, self-issued, 5 years); a
verifier trusts exactly that certificate. It is made on first use, on the host that makes reports
(a worker), so the web front, which only hands signed files out, never holds it.

What a signature covers: the bytes of the file as the centre wrote it. A print-to-PDF or a
re-saved copy is a new file without the signature; `verify` then says "not signed", and the
report's issuer line says so on paper (docs/scaling.md, "Signed outputs").
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common.crypto.signing import write_secret
from common.durable import write_durably

KEY_FILE, CERT_FILE = "centre-documents.key", "centre-documents.crt"
FIELD = "NTC-Signature"


class SignatureInvalid(ValueError):
    """The file is not signed by the centre, or was changed after it was signed."""


def ensure_document_key(keys_dir: Path, centre_id: str) -> tuple[Path, Path]:
    """The document-signing key and certificate, made once."""
    key_path, cert_path = keys_dir / KEY_FILE, keys_dir / CERT_FILE
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    import fcntl

    keys_dir.mkdir(parents=True, exist_ok=True)
    with open(keys_dir / ".documents.lock", "w") as lock:  # two batch workers starting at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_path.exists() and cert_path.exists()):
            _make_document_key(key_path, cert_path, centre_id)
    return key_path, cert_path


def _make_document_key(key_path: Path, cert_path: Path, centre_id: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ұлттық тестілеу орталығы"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{centre_id} — results documents"),
    ])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=5 * 366))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    write_secret(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    write_durably(cert_path, cert.public_bytes(serialization.Encoding.PEM))


class DocumentSigner:
    """Signs with the centre's document key (loaded once per process)."""

    def __init__(self, keys_dir: Path, centre_id: str):
        from pyhanko.sign import signers

        key_path, cert_path = ensure_document_key(keys_dir, centre_id)
        self._signer = signers.SimpleSigner.load(str(key_path), str(cert_path))

    def sign_pdf(self, pdf: bytes) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        out = io.BytesIO()
        meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES,
                                            reason="Results of the monitoring (§27)",
                                            location="Astana, KZ")
        signers.PdfSigner(meta, signer=self._signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), output=out)
        return out.getvalue()

    def sign_detached(self, data: bytes) -> bytes:
        """A CMS SignedData (DER) over `data`, without `data` (openssl cms -verify -binary can
        check it too)."""
        cms = asyncio.run(self._signer.async_sign_general_data(data, "sha256", detached=True))
        return cms.dump()


@dataclass(frozen=True)
class Verified:
    kind: str  # pdf | detached
    signer: str
    signed_at: str | None
    covers: str


def _context(cert_path: Path):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=[load_cert_from_pemder(str(cert_path))])


def verify_pdf(pdf: bytes, cert_path: Path) -> Verified:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any unreadable file is simply not a signed report
        raise SignatureInvalid(f"not a readable PDF ({type(exc).__name__})") from None
    if not sigs:
        raise SignatureInvalid("the PDF carries no signature (a printed or re-saved copy is not signed)")
    status = validate_pdf_signature(sigs[-1], _context(cert_path))
    if not (status.intact and status.valid and status.trusted):
        raise SignatureInvalid("the signature does not verify: the file was changed after signing, "
                               "or it was signed by another key")
    if status.coverage.name != "ENTIRE_FILE":
        raise SignatureInvalid(f"the signature covers only part of the file ({status.coverage.name}): "
                               "something was added after signing")
    return Verified("pdf", status.signing_cert.subject.human_friendly,
                    status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
                    "the entire file")


def verify_detached(data: bytes, signature: bytes, cert_path: Path) -> Verified:
    from asn1crypto import cms
    from pyhanko.sign.validation import async_validate_detached_cms

    try:
        info = cms.ContentInfo.load(signature)
        signed = info["content"]
        signed.native  # noqa: B018 - parse it all now, so a broken file fails here
    except Exception as exc:  # noqa: BLE001
        raise SignatureInvalid(f"the signature file is not a CMS signature ({type(exc).__name__})") from None
    status = asyncio.run(async_validate_detached_cms(data, signed, signer_validation_context=_context(cert_path)))
    if not (status.intact and status.valid and status.trusted):
        raise SignatureInvalid("the signature does not verify: the file was changed after signing, "
                               "or it was signed by another key")
    return Verified("detached", status.signing_cert.subject.human_friendly,
                    status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
                    "the entire file")
