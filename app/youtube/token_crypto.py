"""Encrypt YouTube refresh tokens at rest with AES-256-GCM, keyed from a settings secret.

A stored token reads ``yt1:<key id>:<base64url(nonce + ciphertext + tag)>``. The key id (a
short fingerprint of the key, not the key) lets several secrets coexist: after changing
SECRET_KEY, pass the old one in `previous_secrets`, decrypt with either, and re-encrypt
old tokens with `rotate` whenever `needs_rotation` says so. Each token is bound to its owner
(authenticated data), so a ciphertext copied onto another account does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.youtube.errors import TokenDecryptionError

TOKEN_FORMAT = "yt1"
"""Version prefix of the stored form; a new scheme gets a new prefix."""
MIN_SECRET_BYTES = 32
"""Shortest secret accepted, in bytes."""
KEY_BYTES = 32
"""AES-256."""
NONCE_BYTES = 12
"""The GCM nonce size NIST recommends; random per token."""
KEY_ID_HEX_CHARS = 8
"""Length of the key fingerprint written into each token."""

_HKDF_SALT = b"ai-film-studio"
_HKDF_INFO = b"youtube-refresh-token/aes-256-gcm/v1"


class _Key:
    def __init__(self, secret: str | bytes) -> None:
        material = secret.encode() if isinstance(secret, str) else secret
        if len(material) < MIN_SECRET_BYTES:
            raise ValueError(
                f"The token encryption secret must be at least {MIN_SECRET_BYTES} bytes long."
            )
        derived = HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_HKDF_SALT, info=_HKDF_INFO
        ).derive(material)
        self.aead = AESGCM(derived)
        self.key_id = hashlib.sha256(b"key-id:" + derived).hexdigest()[:KEY_ID_HEX_CHARS]


class RefreshTokenCipher:
    """Encrypts with the current secret; decrypts with the current or any previous one."""

    def __init__(self, secret: str | bytes, previous_secrets: Sequence[str | bytes] = ()) -> None:
        self._current = _Key(secret)
        self._keys = {self._current.key_id: self._current}
        for old in previous_secrets:
            key = _Key(old)
            self._keys.setdefault(key.key_id, key)

    @property
    def key_id(self) -> str:
        """Fingerprint of the current key, as written into new tokens."""
        return self._current.key_id

    def encrypt(self, token: str, *, owner_id: str) -> str:
        """The stored form of `token`, bound to `owner_id` (e.g. the user's id)."""
        if not token:
            raise ValueError("There is no token to encrypt.")
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.aead.encrypt(
            nonce, token.encode(), _associated_data(self._current.key_id, owner_id)
        )
        payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return f"{TOKEN_FORMAT}:{self._current.key_id}:{payload}"

    def decrypt(self, stored: str, *, owner_id: str) -> str:
        """The token back from its stored form; TokenDecryptionError when that is impossible."""
        key_id, blob = _parse(stored)
        key = self._keys.get(key_id)
        if key is None:
            raise TokenDecryptionError(
                f"The stored YouTube token was encrypted with a key that is not configured "
                f"(key id {key_id}); add the secret it was made with to the previous secrets, "
                "or connect the channel again."
            )
        nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        try:
            plain = key.aead.decrypt(nonce, sealed, _associated_data(key_id, owner_id))
        except InvalidTag as error:
            raise TokenDecryptionError(
                f"The stored YouTube token does not decrypt with key {key_id}: it was altered or "
                "belongs to another account; connect the channel again."
            ) from error
        return plain.decode()

    def needs_rotation(self, stored: str) -> bool:
        """True when `stored` was encrypted with a previous key (or an older format)."""
        try:
            key_id, _ = _parse(stored)
        except TokenDecryptionError:
            return True
        return key_id != self._current.key_id

    def rotate(self, stored: str, *, owner_id: str) -> str:
        """`stored` re-encrypted with the current key (unchanged if it already is)."""
        if not self.needs_rotation(stored):
            return stored
        return self.encrypt(self.decrypt(stored, owner_id=owner_id), owner_id=owner_id)


def _associated_data(key_id: str, owner_id: str) -> bytes:
    return f"{TOKEN_FORMAT}:{key_id}:{owner_id}".encode()


def _parse(stored: str) -> tuple[str, bytes]:
    parts = stored.split(":")
    if len(parts) != 3 or parts[0] != TOKEN_FORMAT:
        raise TokenDecryptionError(
            f"The stored YouTube token is not in the {TOKEN_FORMAT!r} format; connect the "
            "channel again."
        )
    _, key_id, payload = parts
    try:
        blob = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError) as error:
        raise TokenDecryptionError(
            "The stored YouTube token is damaged (bad base64); connect the channel again."
        ) from error
    if len(blob) <= NONCE_BYTES:
        raise TokenDecryptionError(
            "The stored YouTube token is damaged (too short); connect the channel again."
        )
    return key_id, blob
