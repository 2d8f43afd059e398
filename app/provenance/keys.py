"""The C2PA signing credentials: C2PA_CERT_CHAIN + C2PA_PRIVATE_KEY, or a development pair
generated once under DATA_DIR/c2pa (see dev_ca)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

DEV_FOLDER = "c2pa"
CHAIN_FILE = "chain.pem"
KEY_FILE = "signer.key"
CA_FILE = "ca.pem"
PEM_START = "-----BEGIN"
PRIVATE_FILE_MODE = 0o600

CURVE_ALGORITHMS = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
"""C2PA's ECDSA algorithm for each curve."""


class SigningKeyError(Exception):
    """The configured signing certificate or key cannot be used."""


@dataclass(frozen=True)
class SigningKeys:
    """A certificate chain (leaf first, PEM), its private key (PEM) and the C2PA algorithm."""

    chain_pem: bytes
    private_key_pem: bytes
    algorithm: str
    development: bool
    ca_pem: bytes | None = None
    """The development CA (None for configured keys)."""


def read_pem(value: str, what: str) -> bytes:
    """PEM text given inline, or read from the file the value names."""
    if value.lstrip().startswith(PEM_START):
        return value.encode()
    try:
        return Path(value).read_bytes()
    except OSError as error:
        raise SigningKeyError(
            f"{what} is neither PEM text nor a readable file: {value}."
        ) from error


def algorithm_for(private_key_pem: bytes) -> str:
    """The C2PA signing algorithm that matches the private key's type."""
    try:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError("C2PA_PRIVATE_KEY is not an unencrypted PEM private key.") from error
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in CURVE_ALGORITHMS:
        return CURVE_ALGORITHMS[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise SigningKeyError("C2PA_PRIVATE_KEY must be an ECDSA (P-256/384/521), RSA or Ed25519 key.")


def configured_keys(cert_chain: str, private_key: str) -> SigningKeys:
    """Production keys from the settings (PEM text or file paths)."""
    chain = read_pem(cert_chain, "C2PA_CERT_CHAIN")
    key = read_pem(private_key, "C2PA_PRIVATE_KEY")
    return SigningKeys(chain, key, algorithm_for(key), development=False)


def development_keys(data_dir: Path) -> SigningKeys:
    """The development CA and signer under data_dir/c2pa, generated on first use.

    Two processes starting at once each build a set in a temporary folder; the first rename
    wins and the other's set is thrown away, so every film is signed by the same certificate.
    """
    folder = data_dir / DEV_FOLDER
    if not (folder / KEY_FILE).exists():
        _generate(folder)
    return SigningKeys(
        chain_pem=(folder / CHAIN_FILE).read_bytes(),
        private_key_pem=(folder / KEY_FILE).read_bytes(),
        algorithm="es256",
        development=True,
        ca_pem=(folder / CA_FILE).read_bytes(),
    )


def _generate(folder: Path) -> None:
    from app.provenance.dev_ca import make_dev_credentials

    folder.parent.mkdir(parents=True, exist_ok=True)
    credentials = make_dev_credentials()
    staging = Path(tempfile.mkdtemp(prefix=".c2pa-", dir=folder.parent))
    (staging / CHAIN_FILE).write_bytes(credentials.chain_pem)
    (staging / CA_FILE).write_bytes(credentials.ca_pem)
    key_path = staging / KEY_FILE
    key_path.write_bytes(credentials.private_key_pem)
    key_path.chmod(PRIVATE_FILE_MODE)
    try:
        os.rename(staging, folder)
    except OSError:  # another process made the set first
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()
