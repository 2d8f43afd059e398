"""Connect a YouTube channel with OAuth 2.0 (authorization code + PKCE), read it, revoke it.

The web flow in three calls:

1. `start_authorization` returns Google's consent URL and a `PendingAuthorization` (random
   `state` and PKCE `code_verifier`) to keep in the user's session until the callback;
2. `finish_authorization` checks the callback's `state` against it and trades the code
   (with the verifier) for tokens; the refresh token is what gets stored, encrypted;
3. `fetch_channel` reads the channel (id, title) the tokens publish to.

`revoke_token` ends the grant on disconnect.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors  # type: ignore[import-untyped]
from requests.adapters import BaseAdapter

from app.youtube.classify import classify_error
from app.youtube.client import HttpTransport, authorized_http, build_youtube, default_transport
from app.youtube.errors import (
    NoChannel,
    OAuthClientRejected,
    OAuthDenied,
    OAuthError,
    OAuthSessionExpired,
    OAuthStateMismatch,
    RequestRejected,
    ScopesNotGranted,
    TransientError,
    YouTubeNotConfigured,
)

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"

UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
"""videos.insert and thumbnails.set."""
FORCE_SSL_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
"""captions.insert, playlistItems.insert and channels.list (it covers the whole API)."""
YOUTUBE_SCOPES = (UPLOAD_SCOPE, FORCE_SSL_SCOPE)
"""Every scope the studio asks for, and needs granted, to publish a film."""

PENDING_AUTHORIZATION_TTL_S = 900
"""How long the user has to finish Google's consent screen, in seconds."""
STATE_BYTES = 32
"""Random bytes in the anti-forgery `state`."""
CODE_VERIFIER_BYTES = 64
"""Random bytes in the PKCE code verifier (86 URL-safe characters; RFC 7636 wants 43-128)."""

SETTING_NAMES = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REDIRECT_URI")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HTTP_OK = 200
_HTTP_SERVER_ERROR = 500


@dataclass(frozen=True)
class GoogleOAuthClient:
    """The studio's OAuth 2.0 web client from Google Cloud Console."""

    client_id: str
    client_secret: str
    redirect_uri: str

    @classmethod
    def from_settings(
        cls, client_id: str | None, client_secret: str | None, redirect_uri: str | None
    ) -> GoogleOAuthClient:
        """The client from settings; YouTubeNotConfigured naming what is missing or wrong."""
        client_id, client_secret, redirect_uri = (
            (value or "").strip() for value in (client_id, client_secret, redirect_uri)
        )
        if not client_id or not client_secret or not redirect_uri:
            values = (client_id, client_secret, redirect_uri)
            missing = tuple(
                name for name, value in zip(SETTING_NAMES, values, strict=True) if not value
            )
            raise YouTubeNotConfigured(
                f"YouTube publishing is not configured: set {_join_names(missing)} "
                "(an OAuth 2.0 web client from Google Cloud Console; see the README).",
                missing=missing,
            )
        _check_redirect_uri(redirect_uri)
        return cls(client_id, client_secret, redirect_uri)

    def client_config(self) -> dict[str, Any]:
        """The client in Google's client-secrets format, as google-auth-oauthlib reads it."""
        return {
            "web": {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "auth_uri": GOOGLE_AUTH_URI,
                "token_uri": GOOGLE_TOKEN_URI,
                "redirect_uris": [self.redirect_uri],
            }
        }


@dataclass(frozen=True)
class PendingAuthorization:
    """What the user's session keeps between the redirect to Google and the callback."""

    state: str
    code_verifier: str
    created_at: float
    """Unix time the authorization started."""

    def to_session(self) -> dict[str, str | float]:
        """A JSON-ready dict for the session store."""
        return {
            "state": self.state,
            "code_verifier": self.code_verifier,
            "created_at": self.created_at,
        }

    @classmethod
    def from_session(cls, data: Mapping[str, Any] | None) -> PendingAuthorization:
        """Read back `to_session`'s dict; OAuthSessionExpired when absent or damaged."""
        if not data:
            raise OAuthSessionExpired(
                "No YouTube connection was started in this session; connect again."
            )
        try:
            return cls(str(data["state"]), str(data["code_verifier"]), float(data["created_at"]))
        except (KeyError, TypeError, ValueError) as error:
            raise OAuthSessionExpired(
                "The YouTube connection data in this session is damaged; connect again."
            ) from error

    def is_expired(self, now: float) -> bool:
        """True when the consent took longer than PENDING_AUTHORIZATION_TTL_S."""
        return now - self.created_at > PENDING_AUTHORIZATION_TTL_S


@dataclass(frozen=True)
class AuthorizationStart:
    """Where to send the user, and what to keep in their session until they come back."""

    url: str
    pending: PendingAuthorization


@dataclass(frozen=True)
class Authorization:
    """The result of a completed consent: live credentials and the refresh token to store."""

    credentials: Credentials
    refresh_token: str
    granted_scopes: tuple[str, ...]


@dataclass(frozen=True)
class ChannelInfo:
    """The YouTube channel the credentials publish to."""

    channel_id: str
    title: str
    custom_url: str | None = None
    thumbnail_url: str | None = None


def start_authorization(
    client: GoogleOAuthClient, *, login_hint: str | None = None, now: float | None = None
) -> AuthorizationStart:
    """Google's consent URL (offline access, PKCE S256, fresh state) and the pending data."""
    state = secrets.token_urlsafe(STATE_BYTES)
    verifier = secrets.token_urlsafe(CODE_VERIFIER_BYTES)
    flow = _flow(client, verifier)
    extra = {"login_hint": login_hint} if login_hint else {}
    url, _ = flow.authorization_url(state=state, access_type="offline", prompt="consent", **extra)
    created_at = time.time() if now is None else now
    return AuthorizationStart(str(url), PendingAuthorization(state, verifier, created_at))


def finish_authorization(
    client: GoogleOAuthClient,
    pending: PendingAuthorization,
    *,
    state: str | None,
    code: str | None,
    error: str | None = None,
    now: float | None = None,
    http_adapter: BaseAdapter | None = None,
) -> Authorization:
    """Check the callback against `pending` and exchange its code for tokens.

    `state`, `code` and `error` are the callback's query parameters. `http_adapter` replaces
    the HTTPS transport of the token request (tests). Raises OAuthDenied, OAuthStateMismatch,
    OAuthSessionExpired, ScopesNotGranted, OAuthError, OAuthClientRejected or TransientError.
    """
    if not state or not secrets.compare_digest(state, pending.state):
        raise OAuthStateMismatch(
            "The YouTube connection reply does not match this session; connect again."
        )
    if error:
        if error == "access_denied":
            raise OAuthDenied("YouTube access was declined on Google's consent screen.")
        raise OAuthError(f"Google ended the YouTube connection with the error {error!r}.")
    if pending.is_expired(time.time() if now is None else now):
        raise OAuthSessionExpired("The YouTube connection took too long; connect again.")
    if not code:
        raise OAuthError("Google's reply carries no authorization code; connect again.")
    flow = _flow(client, pending.code_verifier)
    if http_adapter is not None:
        flow.oauth2session.mount("https://", http_adapter)
    token = _exchange_code(flow, code)
    return _authorization_from_token(client, token)


def credentials_from_refresh_token(client: GoogleOAuthClient, refresh_token: str) -> Credentials:
    """Credentials that fetch a fresh access token on first use, and again when it expires."""
    return Credentials(  # type: ignore[no-untyped-call]
        token=None,
        refresh_token=refresh_token,
        token_uri=GOOGLE_TOKEN_URI,
        client_id=client.client_id,
        client_secret=client.client_secret,
    )


def fetch_channel(
    credentials: Credentials, *, transport: HttpTransport | None = None
) -> ChannelInfo:
    """The authorized user's own channel via channels.list(mine=True).

    Raises NoChannel, AccessRevoked, QuotaExceeded, TransientError or RequestRejected.
    """
    youtube = build_youtube(authorized_http(credentials, transport))
    try:
        response = youtube.channels().list(part="snippet", mine=True, maxResults=1).execute()
    except Exception as failure:
        classified = classify_error(failure, action="read the YouTube channel")
        if classified is None:
            raise
        raise classified from failure
    items = response.get("items") or []
    if not items:
        raise NoChannel(
            "The Google account has no YouTube channel; create one on youtube.com, then "
            "connect again."
        )
    channel = items[0]
    snippet = channel.get("snippet", {})
    thumbnails = snippet.get("thumbnails", {})
    thumbnail = thumbnails.get("default") or next(iter(thumbnails.values()), None)
    return ChannelInfo(
        channel_id=str(channel["id"]),
        title=str(snippet.get("title", "")),
        custom_url=snippet.get("customUrl"),
        thumbnail_url=thumbnail.get("url") if isinstance(thumbnail, dict) else None,
    )


def revoke_token(token: str, *, transport: HttpTransport | None = None) -> bool:
    """Revoke a refresh (or access) token at Google, ending the whole grant.

    True when Google revoked it now, False when it was already invalid. Raises TransientError
    when Google cannot be reached, RequestRejected for any other refusal.
    """
    http = transport if transport is not None else default_transport()
    try:
        response, content = http.request(
            GOOGLE_REVOKE_URI,
            method="POST",
            body=urllib.parse.urlencode({"token": token}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    except Exception as failure:
        classified = classify_error(failure, action="revoke the YouTube authorization")
        if classified is None:
            raise
        raise classified from failure
    status = int(response.status)
    if status == _HTTP_OK:
        return True
    if b"invalid_token" in content:
        return False
    if status >= _HTTP_SERVER_ERROR:
        raise TransientError(f"Could not revoke the YouTube authorization: HTTP {status}.")
    raise RequestRejected(f"Google refused to revoke the YouTube authorization (HTTP {status}).")


def _flow(client: GoogleOAuthClient, code_verifier: str) -> Flow:
    return Flow.from_client_config(
        client.client_config(),
        scopes=list(YOUTUBE_SCOPES),
        redirect_uri=client.redirect_uri,
        code_verifier=code_verifier,
        autogenerate_code_verifier=False,
    )


def _exchange_code(flow: Flow, code: str) -> Mapping[str, Any]:
    try:
        token: Mapping[str, Any] = flow.fetch_token(code=code)
    except Warning as changed:
        # oauthlib raises when Google granted other scopes than asked; keep its token and let
        # the scope check below say what is missing.
        changed_token = getattr(changed, "token", None)
        if changed_token is None:
            raise
        return dict(changed_token)
    except (oauth2_errors.InvalidClientError, oauth2_errors.UnauthorizedClientError) as refused:
        raise OAuthClientRejected(
            f"Google refused the studio's OAuth client ({refused.error}); check "
            "GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI."
        ) from refused
    except oauth2_errors.InvalidGrantError as refused:
        raise OAuthError(
            "Google refused the authorization code (it expired or was already used); connect again."
        ) from refused
    except oauth2_errors.OAuth2Error as refused:
        raise OAuthError(
            f"Google refused the YouTube connection ({refused.error}: {refused.description})."
        ) from refused
    except requests.RequestException as failure:
        raise TransientError(
            f"Could not reach Google to finish connecting YouTube ({failure})."
        ) from failure
    return token


def _authorization_from_token(client: GoogleOAuthClient, token: Mapping[str, Any]) -> Authorization:
    granted = _scope_list(token.get("scope"))
    missing = tuple(scope for scope in YOUTUBE_SCOPES if scope not in granted)
    if missing:
        raise ScopesNotGranted(
            "Publishing needs every permission the studio asks for; connect again and leave "
            f"them ticked (missing: {', '.join(missing)}).",
            missing_scopes=missing,
        )
    refresh_token = token.get("refresh_token")
    if not refresh_token:
        raise OAuthError(
            "Google returned no refresh token; remove the studio at "
            "https://myaccount.google.com/permissions and connect again."
        )
    expires_in = token.get("expires_in")
    expiry = None
    if expires_in is not None:
        expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(
            seconds=float(expires_in)
        )
    credentials = Credentials(  # type: ignore[no-untyped-call]
        token=token.get("access_token"),
        refresh_token=str(refresh_token),
        token_uri=GOOGLE_TOKEN_URI,
        client_id=client.client_id,
        client_secret=client.client_secret,
        granted_scopes=list(granted),
        expiry=expiry,
    )
    return Authorization(credentials, str(refresh_token), granted)


def _scope_list(scope: object) -> tuple[str, ...]:
    if isinstance(scope, str):
        return tuple(scope.split())
    if isinstance(scope, list | tuple):
        return tuple(str(item) for item in scope)
    return YOUTUBE_SCOPES  # Google omits `scope` only when it granted exactly what was asked.


def _check_redirect_uri(redirect_uri: str) -> None:
    parsed = urllib.parse.urlparse(redirect_uri)
    local = parsed.hostname in _LOCAL_HOSTS
    if not parsed.hostname or not (parsed.scheme == "https" or (parsed.scheme == "http" and local)):
        raise YouTubeNotConfigured(
            f"GOOGLE_REDIRECT_URI must be an https URL (http only for localhost), got "
            f"{redirect_uri!r}.",
            missing=("GOOGLE_REDIRECT_URI",),
        )


def _join_names(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
