"""Authorized HTTP transport and the YouTube Data API v3 client, built with no network.

The API description ships inside google-api-python-client (static discovery), so building
the client never downloads anything. Tests pass an `HttpMockSequence` as the transport.
"""

from __future__ import annotations

from typing import Any, Protocol

import google_auth_httplib2  # type: ignore[import-untyped]
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.http import build_http

YOUTUBE_API_NAME = "youtube"
YOUTUBE_API_VERSION = "v3"

YouTubeResource = Any
"""The googleapiclient Resource for YouTube Data API v3 (the library is untyped)."""


class HttpTransport(Protocol):
    """What the Google client libraries need from an HTTP transport (httplib2.Http's shape)."""

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        redirections: int = ...,
        connection_type: Any = None,
    ) -> tuple[Any, bytes]:
        """Send one request; return (response with .status and headers, body bytes)."""
        ...


def default_transport() -> HttpTransport:
    """A fresh httplib2 transport with a timeout that does not treat 308 as a redirect.

    Resumable uploads answer "308 Resume Incomplete"; a plain httplib2.Http would follow it.
    """
    transport: HttpTransport = build_http()
    return transport


def authorized_http(credentials: Credentials, transport: HttpTransport | None = None) -> Any:
    """A transport that signs each request and refreshes an expired access token first.

    The token refresh goes through the same `transport`, so tests script the token endpoint
    in the same HttpMockSequence as the API calls.
    """
    return google_auth_httplib2.AuthorizedHttp(
        credentials, http=transport if transport is not None else default_transport()
    )


def build_youtube(http: Any) -> YouTubeResource:
    """The YouTube Data API v3 client over an (authorized) transport, without network access."""
    return build(
        YOUTUBE_API_NAME,
        YOUTUBE_API_VERSION,
        http=http,
        static_discovery=True,
        cache_discovery=False,
    )
