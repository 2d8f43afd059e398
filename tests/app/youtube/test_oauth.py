"""OAuth connection offline: consent URL with PKCE, callback checks, code exchange, channel."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import googleapiclient
import pytest
import requests
from requests.adapters import BaseAdapter

from app.youtube.errors import (
    AccessRevoked,
    NoChannel,
    OAuthClientRejected,
    OAuthDenied,
    OAuthError,
    OAuthSessionExpired,
    OAuthStateMismatch,
    ScopesNotGranted,
    TransientError,
    YouTubeNotConfigured,
)
from app.youtube.oauth import (
    FORCE_SSL_SCOPE,
    GOOGLE_REVOKE_URI,
    GOOGLE_TOKEN_URI,
    PENDING_AUTHORIZATION_TTL_S,
    UPLOAD_SCOPE,
    YOUTUBE_SCOPES,
    GoogleOAuthClient,
    PendingAuthorization,
    credentials_from_refresh_token,
    fetch_channel,
    finish_authorization,
    revoke_token,
    start_authorization,
)
from tests.app.youtube.google_http import (
    ScriptedHttp,
    credentials,
    google_error,
    json_answer,
    token_granted,
)

CLIENT = GoogleOAuthClient(
    client_id="client-1.apps.googleusercontent.com",
    client_secret="client-secret-1",
    redirect_uri="https://studio.example/api/youtube/callback",
)
NOW = 1_800_000_000.0


class TokenEndpoint(BaseAdapter):
    """Answers the token request with a fixed JSON body and remembers what was sent."""

    def __init__(self, payload: dict[str, Any], status: int = 200) -> None:
        super().__init__()
        self.payload = payload
        self.status = status
        self.sent: list[requests.PreparedRequest] = []

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        self.sent.append(request)
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.payload).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""

    def form(self) -> dict[str, list[str]]:
        body = self.sent[0].body
        text = body.decode() if isinstance(body, bytes) else str(body)
        return urllib.parse.parse_qs(text)


def granted(scope: str = " ".join(YOUTUBE_SCOPES)) -> dict[str, Any]:
    return {
        "access_token": "access-1",
        "refresh_token": "refresh-1",
        "expires_in": 3599,
        "token_type": "Bearer",
        "scope": scope,
    }


def test_missing_settings_are_named() -> None:
    with pytest.raises(YouTubeNotConfigured) as caught:
        GoogleOAuthClient.from_settings(None, "  ", "https://studio.example/cb")
    assert caught.value.missing == ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
    assert caught.value.status_code == 503
    assert "set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET" in str(caught.value)

    with pytest.raises(YouTubeNotConfigured) as everything:
        GoogleOAuthClient.from_settings(None, None, None)
    assert "GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI" in str(everything.value)


def test_redirect_uri_must_be_https_except_locally() -> None:
    with pytest.raises(YouTubeNotConfigured, match="GOOGLE_REDIRECT_URI must be an https URL"):
        GoogleOAuthClient.from_settings("id", "secret", "http://studio.example/cb")
    local = GoogleOAuthClient.from_settings("id", "secret", "http://localhost:8000/cb")
    assert local.redirect_uri == "http://localhost:8000/cb"


def test_consent_url_asks_offline_access_with_pkce_and_state() -> None:
    start = start_authorization(CLIENT, now=NOW)

    url = urllib.parse.urlparse(start.url)
    query = {key: values[0] for key, values in urllib.parse.parse_qs(url.query).items()}
    assert (
        f"{url.scheme}://{url.netloc}{url.path}" == "https://accounts.google.com/o/oauth2/v2/auth"
    )
    assert query["client_id"] == CLIENT.client_id
    assert query["redirect_uri"] == CLIENT.redirect_uri
    assert query["response_type"] == "code"
    assert query["scope"].split() == list(YOUTUBE_SCOPES)
    assert query["access_type"] == "offline"
    assert query["prompt"] == "consent"
    assert query["state"] == start.pending.state
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(start.pending.code_verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(start.pending.code_verifier) <= 128
    assert start.pending.created_at == NOW

    again = start_authorization(CLIENT, now=NOW)
    assert again.pending.state != start.pending.state
    assert again.pending.code_verifier != start.pending.code_verifier


def test_pending_authorization_survives_the_session_store() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    stored = json.loads(json.dumps(pending.to_session()))
    assert PendingAuthorization.from_session(stored) == pending
    with pytest.raises(OAuthSessionExpired):
        PendingAuthorization.from_session(None)
    with pytest.raises(OAuthSessionExpired, match="damaged"):
        PendingAuthorization.from_session({"state": "x"})


def test_callback_exchanges_the_code_with_the_verifier() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    endpoint = TokenEndpoint(granted())

    authorization = finish_authorization(
        CLIENT, pending, state=pending.state, code="code-1", now=NOW + 30, http_adapter=endpoint
    )

    assert authorization.refresh_token == "refresh-1"
    assert authorization.credentials.token == "access-1"
    assert authorization.credentials.refresh_token == "refresh-1"
    assert authorization.credentials.valid
    assert set(authorization.granted_scopes) == set(YOUTUBE_SCOPES)
    assert len(endpoint.sent) == 1
    assert endpoint.sent[0].url == GOOGLE_TOKEN_URI
    form = endpoint.form()
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == ["code-1"]
    assert form["code_verifier"] == [pending.code_verifier]
    assert form["redirect_uri"] == [CLIENT.redirect_uri]
    basic = base64.b64encode(f"{CLIENT.client_id}:{CLIENT.client_secret}".encode()).decode()
    assert endpoint.sent[0].headers.get("Authorization") == f"Basic {basic}"  # client_secret_basic


def test_callback_checks_come_before_any_request() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    endpoint = TokenEndpoint(granted())

    def finish(**kwargs: Any) -> None:
        arguments = {"state": pending.state, "code": "code-1", "now": NOW, **kwargs}
        finish_authorization(CLIENT, pending, http_adapter=endpoint, **arguments)

    with pytest.raises(OAuthStateMismatch):
        finish(state="forged-state")
    with pytest.raises(OAuthStateMismatch):
        finish(state=None)
    with pytest.raises(OAuthDenied):
        finish(error="access_denied", code=None)
    with pytest.raises(OAuthSessionExpired):
        finish(now=NOW + PENDING_AUTHORIZATION_TTL_S + 1)
    with pytest.raises(OAuthError, match="no authorization code"):
        finish(code="")
    assert endpoint.sent == []


def test_unticked_scope_is_reported() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    endpoint = TokenEndpoint(granted(scope=UPLOAD_SCOPE))

    with pytest.raises(ScopesNotGranted) as caught:
        finish_authorization(
            CLIENT, pending, state=pending.state, code="c", now=NOW, http_adapter=endpoint
        )

    assert caught.value.missing_scopes == (FORCE_SSL_SCOPE,)


def test_extra_previously_granted_scope_is_accepted() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    scopes = " ".join((*YOUTUBE_SCOPES, "openid"))
    endpoint = TokenEndpoint(granted(scope=scopes))

    authorization = finish_authorization(
        CLIENT, pending, state=pending.state, code="c", now=NOW, http_adapter=endpoint
    )

    assert "openid" in authorization.granted_scopes


def test_missing_refresh_token_is_explained() -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    payload = granted()
    del payload["refresh_token"]

    with pytest.raises(OAuthError, match="no refresh token"):
        finish_authorization(
            CLIENT,
            pending,
            state=pending.state,
            code="c",
            now=NOW,
            http_adapter=TokenEndpoint(payload),
        )


@pytest.mark.parametrize(
    ("error", "expected"),
    [("invalid_grant", OAuthError), ("invalid_client", OAuthClientRejected)],
)
def test_refused_code_exchange(error: str, expected: type[Exception]) -> None:
    pending = start_authorization(CLIENT, now=NOW).pending
    endpoint = TokenEndpoint({"error": error, "error_description": "Bad"}, status=400)

    with pytest.raises(expected):
        finish_authorization(
            CLIENT, pending, state=pending.state, code="c", now=NOW, http_adapter=endpoint
        )


def test_fetch_channel_reads_my_channel() -> None:
    channel = {
        "id": "UC123",
        "snippet": {
            "title": "Lantern Films",
            "customUrl": "@lanternfilms",
            "thumbnails": {"default": {"url": "https://yt3.test/a.jpg"}},
        },
    }
    http = ScriptedHttp([json_answer({"items": [channel]})])

    info = fetch_channel(credentials("live", expires_in_s=3600), transport=http)

    assert (info.channel_id, info.title) == ("UC123", "Lantern Films")
    assert info.custom_url == "@lanternfilms"
    assert info.thumbnail_url == "https://yt3.test/a.jpg"
    query = urllib.parse.parse_qs(urllib.parse.urlparse(http.requests[0][0]).query)
    assert query["mine"] == ["true"]
    assert query["part"] == ["snippet"]


def test_fetch_channel_refreshes_then_reads() -> None:
    client_credentials = credentials_from_refresh_token(CLIENT, "refresh-1")
    http = ScriptedHttp(
        [token_granted("fresh"), json_answer({"items": [{"id": "UC1", "snippet": {"title": "T"}}]})]
    )

    info = fetch_channel(client_credentials, transport=http)

    assert info.channel_id == "UC1"
    assert http.requests[0][0] == GOOGLE_TOKEN_URI


def test_fetch_channel_errors() -> None:
    no_channel = google_error(401, "youtubeSignupRequired", "No channel")
    with pytest.raises(NoChannel):
        fetch_channel(
            credentials("live", expires_in_s=3600), transport=ScriptedHttp([json_answer({})])
        )
    with pytest.raises(NoChannel):
        fetch_channel(
            credentials("live", expires_in_s=3600),
            # Google answers 401; the transport refreshes the token twice before giving up.
            transport=ScriptedHttp(
                [no_channel, token_granted("t1"), no_channel, token_granted("t2"), no_channel]
            ),
        )
    revoked = ScriptedHttp([json_answer({"error": "invalid_grant"}, 400)])
    with pytest.raises(AccessRevoked):
        fetch_channel(credentials_from_refresh_token(CLIENT, "gone"), transport=revoked)


def test_revoke_token() -> None:
    http = ScriptedHttp(
        [
            ({"status": "200"}, ""),
            json_answer({"error": "invalid_token", "error_description": "Token expired"}, 400),
            ({"status": "503"}, ""),
        ]
    )

    assert revoke_token("refresh-1", transport=http) is True
    assert revoke_token("refresh-1", transport=http) is False
    with pytest.raises(TransientError):
        revoke_token("refresh-1", transport=http)

    uri, method, body, _ = http.requests[0]
    assert (uri, method) == (GOOGLE_REVOKE_URI, "POST")
    assert urllib.parse.parse_qs(body) == {"token": ["refresh-1"]}


def test_scopes_cover_every_method_the_studio_calls() -> None:
    documents = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    discovery = json.loads((documents / "youtube.v3.json").read_text())
    used = [
        ("videos", "insert"),
        ("captions", "insert"),
        ("thumbnails", "set"),
        ("playlistItems", "insert"),
        ("channels", "list"),
    ]
    for resource, method in used:
        accepted = set(discovery["resources"][resource]["methods"][method]["scopes"])
        assert accepted & set(YOUTUBE_SCOPES), f"{resource}.{method} needs another scope"
