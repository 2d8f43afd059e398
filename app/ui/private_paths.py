"""Keep Gradio's server paths out of the studio's API: the browser sees opaque file ids.

Gradio names uploaded and generated files by their absolute paths in its temp folder, in the
upload answer, the event stream and `file=` links. This ASGI middleware, on the studio's
Gradio routes only, swaps those paths for ids bound to the signed-in user on the way out, and
swaps ids back on the way in (file objects in JSON bodies, `file=` links). A path, or an id
the user was not given, is refused with a JSON error that names no path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote

from gradio.utils import get_cache_folder, get_upload_folder
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.ui.file_ids import FileIds
from app.ui.path_rewrite import FileRefused, PathHider

UserOf = Callable[[HTTPConnection], Awaitable[str | None]]
"""The signed-in user of a request (None when there is none)."""

FILE_ROUTES = ("/file=", "/file/")
"""Gradio's download routes, followed by a path."""
BUFFERED_TYPES = ("application/json", "text/plain")
"""Answers rewritten whole (their Content-Length is set again)."""
EVENT_STREAM = "text/event-stream"
"""Answers rewritten line by line as they stream."""
DATA_FIELD = b"data:"
ANONYMOUS = ""
"""The owner of ids shown to a request without a session (Gradio refuses those anyway)."""


def gradio_folders() -> list[str]:
    """Where Gradio keeps uploaded and generated files (its temp and examples folders)."""
    folders = {get_upload_folder(), str(get_cache_folder())}
    return sorted(
        {os.path.abspath(folder) for folder in folders}
        | {os.path.realpath(folder) for folder in folders}
    )


class PrivateFilePaths:
    """Opaque, per-user file ids instead of server paths on `<api_prefix>/*`."""

    def __init__(
        self,
        app: ASGIApp,
        api_prefix: str,
        user_of: UserOf,
        max_body_bytes: int,
        folders: Iterable[str] | None = None,
        ids: FileIds | None = None,
    ) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.user_of = user_of
        self.max_body_bytes = max_body_bytes
        self.hider = PathHider(gradio_folders() if folders is None else folders)
        self.ids = ids or FileIds()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(f"{self.api_prefix}/"):
            await self.app(scope, receive, send)
            return
        owner = await self.user_of(HTTPConnection(scope)) or ANONYMOUS
        scope = _without_compression(scope)
        try:
            scope = self._reveal_link(scope, owner)
            if scope["method"] == "POST" and not _is_multipart(scope):
                receive = await self._reveal_body(scope, receive, owner)
        except FileRefused as refusal:
            await _refuse(refusal)(scope, receive, send)
            return
        except BodyTooLarge:
            await JSONResponse(
                error_body(
                    f"The request body is larger than the {self.max_body_bytes} bytes "
                    "this route accepts.",
                    "payload_too_large",
                ),
                status_code=413,
            )(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _HidingSend(send, self.hider, self.ids, owner))

    def _reveal_link(self, scope: Scope, owner: str) -> Scope:
        rest = str(scope["path"])[len(self.api_prefix) :]
        route = next((r for r in FILE_ROUTES if rest.startswith(r)), None)
        if route is None:
            return scope
        real = self.hider.real_path(rest[len(route) :], lambda i: self.ids.resolve(owner, i))
        path = f"{self.api_prefix}/file={real}"
        return {**scope, "path": path, "raw_path": quote(path, safe="/=").encode()}

    async def _reveal_body(self, scope: Scope, receive: Receive, owner: str) -> Receive:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return _replay(b"".join(chunks), receive, message)
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        try:
            value = json.loads(body)
        except ValueError:
            return _replay(body, receive)
        revealed = self.hider.reveal(value, lambda i: self.ids.resolve(owner, i))
        if revealed == value:
            return _replay(body, receive)
        new_body = _encode(revealed)
        headers = MutableHeaders(scope=scope)
        if "content-length" in headers:
            headers["content-length"] = str(len(new_body))
        return _replay(new_body, receive)


class BodyTooLarge(Exception):
    """A request body past the middleware's limit."""


class _HidingSend:
    """Passes an answer on with Gradio's paths replaced by the owner's ids."""

    def __init__(self, send: Send, hider: PathHider, ids: FileIds, owner: str) -> None:
        self.send = send
        self.hider = hider
        self.issue: Callable[[str], str] = lambda path: ids.issue(owner, path)
        self.mode = "pass"
        self.start: Message | None = None
        self.body: list[bytes] = []
        self.pending = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
            if content_type.startswith(BUFFERED_TYPES):
                self.mode, self.start = "buffer", message
                return
            if content_type.startswith(EVENT_STREAM):
                self.mode = "stream"
                headers = MutableHeaders(scope=message)
                del headers["content-length"]
        elif message["type"] == "http.response.body" and self.mode == "buffer":
            await self._buffer(message)
            return
        elif message["type"] == "http.response.body" and self.mode == "stream":
            message = {**message, "body": self._stream(message)}
        await self.send(message)

    async def _buffer(self, message: Message) -> None:
        self.body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = self._hide_whole(b"".join(self.body))
        assert self.start is not None
        MutableHeaders(scope=self.start)["content-length"] = str(len(body))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": body, "more_body": False})

    def _hide_whole(self, body: bytes) -> bytes:
        try:
            return _encode(self.hider.hide(json.loads(body), self.issue))
        except ValueError:
            return self.hider.hide_text(body.decode("utf-8", "replace"), self.issue).encode()

    def _stream(self, message: Message) -> bytes:
        data = self.pending + message.get("body", b"")
        if message.get("more_body", False):
            cut = data.rfind(b"\n") + 1
            data, self.pending = data[:cut], data[cut:]
        else:
            self.pending = b""
        return b"".join(self._hide_line(line) for line in data.splitlines(keepends=True))

    def _hide_line(self, line: bytes) -> bytes:
        if not line.startswith(DATA_FIELD):
            return line
        content = line[len(DATA_FIELD) :]
        ending = content[len(content.rstrip(b"\r\n")) :]
        try:
            value = json.loads(content)
        except ValueError:
            text = content.decode("utf-8", "replace")
            return DATA_FIELD + self.hider.hide_text(text, self.issue).encode()
        return DATA_FIELD + b" " + _encode(self.hider.hide(value, self.issue)) + ending


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _replay(body: bytes, receive: Receive, after: Message | None = None) -> Receive:
    """A receive that gives `body` (or `after`, a disconnect) once, then the real one."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        if after is not None:
            return after
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


def _without_compression(scope: Scope) -> Scope:
    """The request without Accept-Encoding, so Gradio's answers come uncompressed (and so
    readable here)."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
    return {**scope, "headers": headers}


def _is_multipart(scope: Scope) -> bool:
    return Headers(scope=scope).get("content-type", "").startswith("multipart/")


def _refuse(refusal: FileRefused) -> JSONResponse:
    return JSONResponse(error_body(refusal.message, refusal.code), status_code=refusal.status)
