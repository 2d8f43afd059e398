"""Security headers on every response: what the browser may load, frame, sniff and keep.

The content security policy is what the Gradio studio and the API docs need (Gradio runs
inline scripts and styles and loads its fonts; Swagger UI and ReDoc come from jsDelivr), and
nothing more: no other site may frame the studio (clickjacking), and forms post only here.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_CDN = "https://cdn.jsdelivr.net"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' 'unsafe-eval' blob: {DOCS_CDN}",
        f"style-src 'self' 'unsafe-inline' https://fonts.googleapis.com {DOCS_CDN}",
        "font-src 'self' data: https://fonts.gstatic.com",
        "img-src 'self' data: blob: https:",
        "media-src 'self' data: blob: https:",
        "connect-src 'self' ws: wss: https:",
        "worker-src 'self' blob:",
        "frame-src 'self' https:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
SESSION_COOKIE_MARK = b"filmstudio_session="


def _authenticated(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"authorization" or (name == b"cookie" and SESSION_COOKIE_MARK in value):
            return True
    return False


class SecurityHeadersMiddleware:
    """Adds the headers above; HSTS in production; `no-store` on signed-in JSON answers."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        signed_in = _authenticated(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                content_type = headers.get("content-type", "")
                if signed_in and content_type.startswith("application/json"):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
