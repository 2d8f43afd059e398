"""Remember the address each request came in on, for links made while answering it."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.storage import REQUEST_BASE_URL

DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url(scope: Scope) -> str | None:
    """scheme://host[:port] of the request (scheme from trusted proxies only: uvicorn's
    proxy headers, enabled for FORWARDED_ALLOW_IPS); None when it has no Host."""
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = Headers(scope=scope).get("host")
    if not host:
        server = scope.get("server")
        if not server:
            return None
        name, port = server
        host = name if port == DEFAULT_PORTS[scheme] else f"{name}:{port}"
    return f"{scheme}://{host}"


class RequestBaseUrlMiddleware:
    """Sets REQUEST_BASE_URL for the duration of each HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = REQUEST_BASE_URL.set(base_url(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_BASE_URL.reset(token)
