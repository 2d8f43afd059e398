"""The OAuth `state` and PKCE verifier kept in the user's browser session until the callback.

They travel in a cookie scoped to /api/youtube, encrypted and authenticated with the same
AES-GCM cipher as the stored refresh tokens, so the browser can neither read the verifier nor
forge the user it names. The cookie is single-use: the callback clears it whatever happens.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from app.youtube.errors import OAuthSessionExpired, TokenDecryptionError
from app.youtube.oauth import PendingAuthorization
from app.youtube.token_crypto import RefreshTokenCipher

PENDING_COOKIE = "filmstudio_youtube_oauth"
PENDING_COOKIE_PATH = "/api/youtube"
_SEAL_OWNER = "youtube-oauth-pending"
"""Authenticated data binding the sealed value to this use (a token cannot be replayed here)."""


@dataclass(frozen=True)
class PendingConnection:
    """Who started connecting a channel, and the authorization they started."""

    user_id: uuid.UUID
    authorization: PendingAuthorization


def seal(pending: PendingConnection, cipher: RefreshTokenCipher) -> str:
    """The cookie value for `pending`."""
    payload = {"user_id": str(pending.user_id), **pending.authorization.to_session()}
    return cipher.encrypt(json.dumps(payload), owner_id=_SEAL_OWNER)


def unseal(value: str | None, cipher: RefreshTokenCipher) -> PendingConnection:
    """Read the cookie back; OAuthSessionExpired when it is absent, altered or unreadable."""
    if not value:
        raise OAuthSessionExpired(
            "No YouTube connection was started in this browser session; connect again."
        )
    try:
        payload = json.loads(cipher.decrypt(value, owner_id=_SEAL_OWNER))
        user_id = uuid.UUID(str(payload["user_id"]))
    except (TokenDecryptionError, ValueError, KeyError, TypeError) as error:
        raise OAuthSessionExpired(
            "The YouTube connection data in this browser session is unreadable; connect again."
        ) from error
    return PendingConnection(user_id, PendingAuthorization.from_session(payload))
