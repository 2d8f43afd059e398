"""Request body limits, enforced before and while a body is read, and sign-in before uploads.

Content-Length over the limit is refused at once; a body without one (chunked) is counted as
it streams and cut off at the limit. Upload routes check the bearer token's signature before
a byte of the body is read, so an anonymous client cannot make the server spool a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.security import InvalidToken, read_token

MIB = 1024 * 1024


class BodyTooLarge(HTTPException):
    """The streamed body went past its limit (an HTTPException, so the route passes it on)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_message(limit))


@dataclass(frozen=True)
class BodyLimits:
    """Byte limits per kind of request, and the paths that take large audio files."""

    json_bytes: int
    default_bytes: int
    audio_bytes: int
    audio_paths: tuple[str, ...]
    sign_in_first_paths: tuple[str, ...]

    def limit_for(self, path: str, content_type: str) -> int:
        """The largest body this request may send."""
        if any(path.startswith(prefix) for prefix in self.audio_paths):
            return self.audio_bytes
        if content_type.startswith("application/json"):
            return self.json_bytes
        return self.default_bytes


def _too_large_message(limit: int) -> str:
    return f"The request body is larger than the {limit / MIB:.0f} MB this route accepts."


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        error_body(
            _too_large_message(limit),
            "payload_too_large",
            max_bytes=limit,
        ),
        status_code=413,
        headers={"Connection": "close"},
    )


def _unauthorized() -> JSONResponse:
    return JSONResponse(
        error_body(
            "Sign in first: send the access token as `Authorization: Bearer <token>`.",
            "unauthorized",
        ),
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


class BodyLimitMiddleware:
    """413 for bodies over their limit; 401 before reading an upload without a valid token."""

    def __init__(self, app: ASGIApp, limits: BodyLimits, secret: Callable[[], str]) -> None:
        self.app = app
        self.limits = limits
        self.secret = secret

    def _signed_in(self, headers: Headers) -> bool:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        try:
            read_token(token.strip(), self.secret())
        except InvalidToken:
            return False
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope["path"]
        if any(path.startswith(prefix) for prefix in self.limits.sign_in_first_paths) and (
            scope["method"] not in ("GET", "HEAD", "OPTIONS") and not self._signed_in(headers)
        ):
            await _unauthorized()(scope, receive, send)
            return
        limit = self.limits.limit_for(path, headers.get("content-type", ""))
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse(
                    error_body("Content-Length must be a number of bytes.", "bad_request"),
                    status_code=400,
                )(scope, receive, send)
                return
            if int(declared) > limit:
                await _too_large(limit)(scope, receive, send)
                return
        received = 0
        response_started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not response_started:
                await _too_large(limit)(scope, receive, send)
