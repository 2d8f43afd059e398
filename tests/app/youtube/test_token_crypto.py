"""Refresh tokens encrypted at rest: round trip, owner binding, wrong key, rotation."""

from __future__ import annotations

import pytest

from app.youtube.errors import TokenDecryptionError
from app.youtube.token_crypto import KEY_ID_HEX_CHARS, TOKEN_FORMAT, RefreshTokenCipher

OLD_SECRET = "o" * 40
NEW_SECRET = "n" * 40
TOKEN = "1//0gRefreshTokenFromGoogle-abc_DEF"


def test_round_trip_hides_the_token() -> None:
    cipher = RefreshTokenCipher(NEW_SECRET)

    stored = cipher.encrypt(TOKEN, owner_id="user-1")

    assert TOKEN not in stored
    prefix, key_id, payload = stored.split(":")
    assert prefix == TOKEN_FORMAT
    assert key_id == cipher.key_id
    assert len(key_id) == KEY_ID_HEX_CHARS
    assert payload
    assert cipher.decrypt(stored, owner_id="user-1") == TOKEN
    assert cipher.encrypt(TOKEN, owner_id="user-1") != stored  # random nonce each time


def test_token_is_bound_to_its_owner() -> None:
    cipher = RefreshTokenCipher(NEW_SECRET)
    stored = cipher.encrypt(TOKEN, owner_id="user-1")

    with pytest.raises(TokenDecryptionError, match="altered or belongs to another account"):
        cipher.decrypt(stored, owner_id="user-2")


def test_wrong_key_says_which_key_is_missing() -> None:
    stored = RefreshTokenCipher(OLD_SECRET).encrypt(TOKEN, owner_id="u")
    old_id = stored.split(":")[1]

    with pytest.raises(TokenDecryptionError) as caught:
        RefreshTokenCipher(NEW_SECRET).decrypt(stored, owner_id="u")

    assert f"key id {old_id}" in str(caught.value)
    assert "not configured" in str(caught.value)


def test_rotation_to_a_new_secret() -> None:
    stored = RefreshTokenCipher(OLD_SECRET).encrypt(TOKEN, owner_id="u")
    cipher = RefreshTokenCipher(NEW_SECRET, previous_secrets=[OLD_SECRET])

    assert cipher.decrypt(stored, owner_id="u") == TOKEN
    assert cipher.needs_rotation(stored)
    rotated = cipher.rotate(stored, owner_id="u")
    assert rotated.split(":")[1] == cipher.key_id
    assert not cipher.needs_rotation(rotated)
    assert cipher.rotate(rotated, owner_id="u") == rotated
    assert RefreshTokenCipher(NEW_SECRET).decrypt(rotated, owner_id="u") == TOKEN


@pytest.mark.parametrize(
    "stored",
    ["", "plain-refresh-token", "yt0:abcd1234:AAAA", "yt1:abcd1234:!!!", "yt1:abcd1234:AAAA"],
)
def test_damaged_or_foreign_values_are_refused(stored: str) -> None:
    with pytest.raises(TokenDecryptionError):
        RefreshTokenCipher(NEW_SECRET).decrypt(stored, owner_id="u")


def test_tampered_ciphertext_is_refused() -> None:
    cipher = RefreshTokenCipher(NEW_SECRET)
    stored = cipher.encrypt(TOKEN, owner_id="u")
    flipped = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]

    with pytest.raises(TokenDecryptionError):
        cipher.decrypt(flipped, owner_id="u")


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        RefreshTokenCipher("too-short")
