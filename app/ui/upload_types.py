"""Only the studio's own file types reach Gradio's upload route.

Gradio keeps whatever its upload route is sent in its cache. This middleware reads the file
names in the multipart stream as it passes (the part headers), and refuses the request with
415 at the first name whose extension the studio does not use (images and music tracks).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body

ALLOWED_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".mp3", ".wav", ".ogg", ".flac"})
"""What the studio's file pickers take: character images and music tracks."""

FILENAME = re.compile(rb'filename\*?=(?:"([^"\r\n]*)"|([^;\r\n]*))', re.IGNORECASE)
HEADER_TAIL_BYTES = 1024
"""Bytes of a chunk kept to find a file name split across two chunks."""


class DisallowedUpload(HTTPException):
    """A file of a type the studio does not use."""

    def __init__(self, name: str) -> None:
        super().__init__(
            415,
            f"{name[:80]} is not a file type the studio uses; upload PNG, JPEG or WebP images "
            "and WAV, MP3, OGG or FLAC tracks.",
        )


def _check_names(data: bytes) -> None:
    for match in FILENAME.finditer(data):
        raw = (match.group(1) if match.group(1) is not None else match.group(2)).strip()
        name = raw.decode("utf-8", "replace")
        if PurePosixPath(name.replace("\\", "/")).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise DisallowedUpload(name)


class UploadTypeGuard:
    """415 for a Gradio upload carrying a file type the studio does not use."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        tail = b""
        started = False

        async def checked_receive() -> Message:
            nonlocal tail
            message = await receive()
            if message["type"] == "http.request":
                body = tail + message.get("body", b"")
                _check_names(body)
                tail = body[-HEADER_TAIL_BYTES:]
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, checked_receive, tracked_send)
        except DisallowedUpload as error:
            if not started:
                response = JSONResponse(
                    error_body(str(error.detail), "unsupported_media_type"), status_code=415
                )
                await response(scope, receive, send)
