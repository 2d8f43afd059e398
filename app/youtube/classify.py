"""Turn what the Google client libraries raise into the integration's error types.

One place decides what is retried (5xx, 429, short-term rate limits, network failures), what
is final (quota used up, access revoked, file or details refused) and how each is worded.
"""

from __future__ import annotations

import errno
import http.client
import json
import socket
import ssl
from typing import Any

import httplib2  # type: ignore[import-untyped]
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from app.youtube.errors import (
    AccessRevoked,
    NoChannel,
    OAuthClientRejected,
    QuotaExceeded,
    RejectedMetadata,
    RequestRejected,
    TransientError,
    YouTubeError,
)

QUOTA_REASONS = frozenset(
    {"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg", "uploadLimitExceeded"}
)
"""Reasons meaning a daily quota or upload cap is used up: final, never retried."""

RATE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "backendError", "RATE_LIMIT_EXCEEDED"}
)
"""Short-term refusals that Google asks clients to retry with backoff."""

METADATA_REASONS = frozenset(
    {
        "invalidTitle",
        "invalidDescription",
        "invalidTags",
        "invalidCategoryId",
        "defaultLanguageNotSet",
        "invalidPublishAt",
        "invalidRecordingDetails",
        "invalidVideoMetadata",
        "invalidVideoGameRating",
    }
)
"""videos.insert reasons that blame the title, description, tags, category or language."""

NO_CHANNEL_REASONS = frozenset({"youtubeSignupRequired"})
"""The account has no YouTube channel yet."""

REVOKED_GRANT_ERROR = "invalid_grant"
"""OAuth error of a refresh token that was revoked, expired or reset by a password change."""

CLIENT_REJECTED_ERRORS = frozenset({"invalid_client", "unauthorized_client", "deleted_client"})
"""OAuth errors that blame the studio's client id or secret."""

HTTP_TOO_MANY_REQUESTS = 429
HTTP_SERVER_ERROR = 500
HTTP_UNAUTHORIZED = 401

_NETWORK_ERRNOS = frozenset(
    {
        errno.ETIMEDOUT,
        errno.EPIPE,
        errno.ECONNABORTED,
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ENETDOWN,
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
    }
)

_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    ssl.SSLError,
    http.client.HTTPException,
    httplib2.HttpLib2Error,
    TransportError,
)


def is_network_error(error: BaseException) -> bool:
    """True for a failure to reach Google or a dropped connection (worth retrying)."""
    if isinstance(error, _NETWORK_ERRORS):
        return True
    return isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS


def google_error_reasons(error: HttpError) -> tuple[str, ...]:
    """The machine reasons in a Google error body (``errors[].reason``, ``details[].reason``)."""
    body = _json_object(error.content)
    detail = body.get("error") if body else None
    if isinstance(detail, str):
        return (detail,)
    if not isinstance(detail, dict):
        return ()
    reasons: list[str] = []
    for key in ("errors", "details"):
        items = detail.get(key)
        if isinstance(items, list):
            reasons.extend(
                str(item["reason"]) for item in items if isinstance(item, dict) and "reason" in item
            )
    return tuple(reasons)


def google_error_message(error: HttpError) -> str:
    """Google's human message for an error response, or the HTTP status line."""
    message = str(error.reason or "").strip().rstrip(".")
    return message or f"HTTP {error.status_code}"


def classify_error(
    error: BaseException, *, action: str, refused_as: type[YouTubeError] = RequestRejected
) -> YouTubeError | None:
    """The integration error for a failure while doing `action` ("upload the video" ...).

    A TransientError means "retry with backoff". `refused_as` is the type of an otherwise
    unexplained 4xx (RejectedFile for the video upload). None means the failure is not a
    Google or network failure at all, and the caller should let it propagate.
    """
    if isinstance(error, YouTubeError):
        return error
    if isinstance(error, RefreshError):
        return _classify_refresh_error(error)
    if isinstance(error, HttpError):
        return _classify_http_error(error, action=action, refused_as=refused_as)
    if is_network_error(error):
        detail = str(error) or type(error).__name__
        return TransientError(f"Could not {action}: network failure ({detail}).")
    return None


def _classify_http_error(
    error: HttpError, *, action: str, refused_as: type[YouTubeError]
) -> YouTubeError:
    status = int(error.status_code)
    reasons = google_error_reasons(error)
    message = google_error_message(error)
    quota = next((reason for reason in reasons if reason in QUOTA_REASONS), None)
    if quota is not None:
        return QuotaExceeded(
            f"Could not {action}: YouTube quota exceeded ({quota}); it resets daily at "
            "midnight Pacific time.",
            reason=quota,
        )
    if status >= HTTP_SERVER_ERROR or status == HTTP_TOO_MANY_REQUESTS:
        return TransientError(f"Could not {action}: YouTube answered HTTP {status} ({message}).")
    if any(reason in RATE_LIMIT_REASONS for reason in reasons):
        return TransientError(f"Could not {action}: YouTube asked to slow down ({message}).")
    if any(reason in NO_CHANNEL_REASONS for reason in reasons):
        return NoChannel(
            "The Google account has no YouTube channel; create one on youtube.com, then "
            "connect again."
        )
    if status == HTTP_UNAUTHORIZED:
        return AccessRevoked(
            f"Could not {action}: Google no longer accepts the channel's authorization "
            f"({message}); connect the YouTube channel again."
        )
    metadata = next((reason for reason in reasons if reason in METADATA_REASONS), None)
    if metadata is not None:
        return RejectedMetadata(f"YouTube refused the video details ({metadata}: {message}).")
    reason_text = f"{reasons[0]}: " if reasons else ""
    return refused_as(f"Could not {action}: YouTube refused it ({reason_text}{message}).")


def _classify_refresh_error(error: RefreshError) -> YouTubeError:
    oauth_error = _oauth_error_code(error)
    if oauth_error == REVOKED_GRANT_ERROR:
        return AccessRevoked(
            "Google no longer accepts this channel's authorization (it was revoked, expired or "
            "reset); connect the YouTube channel again."
        )
    if oauth_error in CLIENT_REJECTED_ERRORS:
        return OAuthClientRejected(
            f"Google refused the studio's OAuth client ({oauth_error}); check GOOGLE_CLIENT_ID "
            "and GOOGLE_CLIENT_SECRET."
        )
    if error.retryable:
        return TransientError(f"Could not refresh the YouTube access token ({error}).")
    return RequestRejected(f"Google refused to refresh the YouTube access token ({error}).")


def _oauth_error_code(error: RefreshError) -> str | None:
    for arg in error.args:
        if isinstance(arg, dict) and isinstance(arg.get("error"), str):
            return str(arg["error"])
    text = str(error.args[0]) if error.args else ""
    code = text.split(":", 1)[0].strip()
    return code or None


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None
