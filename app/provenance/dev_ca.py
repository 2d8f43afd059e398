"""A development certificate authority and C2PA signing certificate, made with `cryptography`.

C2PA validators (c2pa-rs) refuse a self-signed end-entity certificate, so development signing
uses a two-link chain: a local CA (basicConstraints CA, keyCertSign) and a signing certificate
it issues with the profile the C2PA specification requires of claim signers: X.509 v3, not a
CA, keyUsage digitalSignature (critical), an extendedKeyUsage that names emailProtection
(never anyExtendedKeyUsage), subject and authority key identifiers, ECDSA P-256 with SHA-256.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_VALID_DAYS = 3650
"""The development CA lasts ten years."""
SIGNER_VALID_DAYS = 825
"""The signing certificate lasts about two years and three months."""
BACKDATE = datetime.timedelta(hours=1)
"""Certificates start an hour early, so a clock slightly behind still accepts them."""
ORGANIZATION = "AI Film Studio (development, not trusted)"


@dataclass(frozen=True)
class DevCredentials:
    """PEM texts: the signer's chain (leaf first, then the CA), its key, and the CA alone."""

    chain_pem: bytes
    private_key_pem: bytes
    ca_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        ]
    )


def _key_usage(*, sign: bool, certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certs,
        crl_sign=certs,
        encipher_only=False,
        decipher_only=False,
    )


def make_dev_credentials(now: datetime.datetime | None = None) -> DevCredentials:
    """A fresh development CA and a C2PA signing certificate issued by it."""
    now = now or datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("AI Film Studio development CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=CA_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign=False, certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name("AI Film Studio development signer"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=SIGNER_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True, certs=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return DevCredentials(
        chain_pem=signer.public_bytes(pem) + ca.public_bytes(pem),
        private_key_pem=key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        ca_pem=ca.public_bytes(pem),
    )
