"""The room server's TLS certificate and the kiosk's pin on it.

The room server makes a self-signed certificate at first start. Kiosks are configured with its
SHA-256 fingerprint. Before a kiosk sends anything, it fetches the certificate, checks the
fingerprint, and from then on trusts that certificate alone: any other certificate fails the
handshake, so a password never reaches a look-alike server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
from pathlib import Path


class CertificatePinMismatch(Exception):
    """The server presented a certificate other than the pinned one."""


def make_self_signed(cert_path: Path, key_path: Path, hosts: list[str]) -> str:
    """Create a certificate for `hosts` (names or IP addresses); return its fingerprint."""
    from cryptography import x509  # the room's; a kiosk's link needs only `pinned_context`
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from common.crypto.signing import write_secret
    from common.durable import write_durably

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "BBZhM room server")])
    sans: list[x509.GeneralName] = []
    for host in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            sans.append(x509.DNSName(host))
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    write_secret(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    # Durably too: its fingerprint goes on the slips and into every kiosk's pin, and a power cut
    # after the first start left a torn file the server could not read again (power-cut test).
    write_durably(cert_path, cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return fingerprint_of_pem(cert_path.read_bytes())


def fingerprint_of_der(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def fingerprint_of_pem(pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(pem)
    return fingerprint_of_der(cert.public_bytes(serialization.Encoding.DER))


def pinned_context(host: str, port: int, fingerprint: str, timeout: float = 5.0) -> ssl.SSLContext:
    """Fetch the server's certificate, check it against the pin, and trust it alone."""
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with probe.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    if der is None or fingerprint_of_der(der) != fingerprint.lower().replace(":", ""):
        raise CertificatePinMismatch(
            f"the server at {host}:{port} is not the configured room server (certificate pin mismatch)"
        )
    ctx = ssl.create_default_context(cadata=ssl.DER_cert_to_PEM_cert(der))
    return ctx
