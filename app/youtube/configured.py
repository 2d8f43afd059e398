"""The integration's pieces built from settings: the OAuth client and the token cipher."""

from __future__ import annotations

from app.config import Settings
from app.youtube.errors import YouTubeNotConfigured
from app.youtube.oauth import GoogleOAuthClient
from app.youtube.token_crypto import RefreshTokenCipher


def oauth_client(settings: Settings) -> GoogleOAuthClient:
    """The studio's Google OAuth client; YouTubeNotConfigured (503) naming what is missing."""
    return GoogleOAuthClient.from_settings(
        settings.google_client_id, settings.google_client_secret, settings.google_redirect_uri
    )


def token_cipher(settings: Settings) -> RefreshTokenCipher:
    """Encrypts with a key from SECRET_KEY; also decrypts with SECRET_KEY_PREVIOUS's key."""
    previous = [settings.secret_key_previous] if settings.secret_key_previous else []
    return RefreshTokenCipher(settings.jwt_secret, previous)


def is_configured(settings: Settings) -> bool:
    """Whether the Google OAuth client settings are present and usable."""
    try:
        oauth_client(settings)
    except YouTubeNotConfigured:
        return False
    return True
