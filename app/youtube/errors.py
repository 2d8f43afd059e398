"""Errors of the YouTube integration, each with its HTTP status and machine code.

They extend the studio's one error hierarchy (`app.errors.AppError`), so a route that lets one
escape answers the shared JSON error shape. `code` doubles as the failure reason an upload job
records (``quota_exceeded``, ``access_revoked``, ``rejected_file`` ...).
"""

from __future__ import annotations

from typing import Any

from app.errors import AppError


class YouTubeError(AppError):
    """Base of every failure the YouTube integration reports on purpose."""

    status_code = 502
    code = "youtube_error"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.video_id: str | None = None
        """The id of the video when the failure came after it was uploaded, else None."""


class YouTubeNotConfigured(YouTubeError):
    """The Google OAuth client settings are missing or unusable; the message names them."""

    status_code = 503
    code = "youtube_not_configured"

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message, missing_settings=list(missing))
        self.missing = missing


class OAuthClientRejected(YouTubeError):
    """Google refused the studio's OAuth client (wrong id or secret, deleted client)."""

    status_code = 503
    code = "oauth_client_rejected"


class OAuthError(YouTubeError):
    """The OAuth callback cannot complete; connecting again is the fix."""

    status_code = 400
    code = "oauth_failed"


class OAuthDenied(OAuthError):
    """The user declined access on Google's consent screen."""

    code = "oauth_denied"


class OAuthStateMismatch(OAuthError):
    """The callback's `state` is not the one this session started with."""

    code = "oauth_state_mismatch"


class OAuthSessionExpired(OAuthError):
    """No pending authorization in the session, or it is too old."""

    code = "oauth_session_expired"


class ScopesNotGranted(OAuthError):
    """The user unticked permissions the studio needs to publish."""

    code = "oauth_scopes_not_granted"

    def __init__(self, message: str, missing_scopes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.extra["missing_scopes"] = list(missing_scopes)
        self.missing_scopes = missing_scopes


class TokenDecryptionError(YouTubeError):
    """A stored refresh token cannot be decrypted with the configured keys."""

    status_code = 409
    code = "token_unreadable"


class NoChannel(YouTubeError):
    """The Google account has no YouTube channel to publish to."""

    status_code = 409
    code = "no_channel"


class AccessRevoked(YouTubeError):
    """Google no longer honours the refresh token: the account must be marked disconnected."""

    status_code = 409
    code = "access_revoked"


class QuotaExceeded(YouTubeError):
    """A YouTube quota or upload limit is used up; retrying before it resets cannot help."""

    status_code = 429
    code = "quota_exceeded"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason
        """Google's reason, e.g. quotaExceeded, dailyLimitExceeded, uploadLimitExceeded."""


class RejectedFile(YouTubeError):
    """YouTube refused the video file itself."""

    status_code = 422
    code = "rejected_file"


class RejectedMetadata(YouTubeError):
    """YouTube refused the title, description, tags, category or language."""

    status_code = 422
    code = "rejected_metadata"


class RequestRejected(YouTubeError):
    """YouTube refused a request for another reason (permissions, missing playlist ...)."""

    status_code = 502
    code = "rejected_request"


class TransientError(YouTubeError):
    """A server or network failure that may pass; raised when the retries ran out."""

    status_code = 503
    code = "transient"

    def __init__(self, message: str, attempts: int = 1) -> None:
        super().__init__(message, attempts=attempts)
        self.attempts = attempts


class PublishInputError(YouTubeError):
    """The film's files or details cannot be published as given; the message says why."""

    status_code = 422
    code = "invalid_publish_input"
