"""Where the integration's HTTP requests to Google go: the network, unless a test scripts it.

The web routes get a `GoogleHttp` from the `google_http` dependency and the worker from
`run_worker(google_http=...)`; both default to the real network. Tests replace it (with
FastAPI's dependency overrides and the worker argument) to answer from an HttpMockSequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from requests.adapters import BaseAdapter

from app.youtube.client import HttpTransport, default_transport


def _requests_default() -> BaseAdapter | None:
    """None: the token request uses requests' own HTTPS adapter."""
    return None


@dataclass(frozen=True)
class GoogleHttp:
    """Factories of the transports the Google client libraries use."""

    transport: Callable[[], HttpTransport] = default_transport
    """httplib2-shaped transport for the YouTube API, token refreshes and revocation."""
    token_adapter: Callable[[], BaseAdapter | None] = _requests_default
    """requests adapter for the authorization-code exchange (google-auth-oauthlib)."""


DEFAULT_GOOGLE_HTTP = GoogleHttp()


def google_http() -> GoogleHttp:
    """FastAPI dependency: the real network (tests override it)."""
    return DEFAULT_GOOGLE_HTTP
