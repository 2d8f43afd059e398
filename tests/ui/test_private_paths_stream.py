"""The middleware on a stand-in app: event streams split mid-line, lengths of rewritten
answers, other routes and file downloads left as they are."""

from __future__ import annotations

import json

import httpx
from starlette.requests import HTTPConnection
from starlette.types import Receive, Scope, Send

from app.ui.file_ids import ID_PREFIX
from app.ui.private_paths import PrivateFilePaths

ROOT = "/srv/gradio-tmp"
PHOTO = f"{ROOT}/ab12/photo.png"
API = "/studio/gradio_api"
EVENT = f'data: {{"msg": "process_completed", "output": {{"data": [{{"path": "{PHOTO}"}}]}}}}\n\n'


async def _user(connection: HTTPConnection) -> str | None:
    return connection.headers.get("x-user")


RECEIVED: list[bytes] = []
"""Request bodies as the stand-in app received them."""


async def _stand_in(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers like Gradio: an event stream cut at awkward places, JSON, or a file."""
    path = scope["path"]
    if path.endswith("/queue/data"):
        body = EVENT.encode() * 2
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})  # fmt: skip
        for cut in (body[:17], body[17:70], body[70:71], body[71:]):
            await send({"type": "http.response.body", "body": cut, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    if path.startswith(f"{API}/file="):
        body = path.encode()
        kind = b"image/png"
    else:
        message = await receive()
        RECEIVED.append(message.get("body", b""))
        body = json.dumps({"seen": RECEIVED[-1].decode(), "paths": [PHOTO]}).encode()
        kind = b"application/json"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def _client() -> httpx.AsyncClient:
    app = PrivateFilePaths(
        _stand_in, api_prefix=API, user_of=_user, max_body_bytes=1024, folders=[ROOT]
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_stream_cut_mid_line_is_rewritten_event_by_event() -> None:
    async with _client() as http:
        stream = await http.get(f"{API}/queue/data", headers={"x-user": "ann"})
    assert ROOT not in stream.text
    events = [line for line in stream.text.split("\n\n") if line]
    assert len(events) == 2
    first, second = (json.loads(event.removeprefix("data: ")) for event in events)
    assert first == second
    assert first["output"]["data"][0]["path"].startswith(ID_PREFIX)


async def test_rewritten_json_keeps_a_true_length_and_ids_come_back_for_their_owner() -> None:
    async with _client() as http:
        answer = await http.post(f"{API}/upload", headers={"x-user": "ann"})
        assert int(answer.headers["content-length"]) == len(answer.content)
        (file_id,) = answer.json()["paths"]
        assert file_id.startswith(ID_PREFIX) and file_id.endswith("/photo.png")
        body = {"data": [{"path": file_id}]}
        echoed = await http.post(f"{API}/queue/join", json=body, headers={"x-user": "ann"})
        assert json.loads(RECEIVED[-1]) == {"data": [{"path": PHOTO}]}
        assert json.loads(echoed.json()["seen"]) == body  # hidden again on the way out
        download = await http.get(f"{API}/file={file_id}", headers={"x-user": "ann"})
        assert download.text == f"{API}/file={PHOTO}"
        refused = await http.get(f"{API}/file={file_id}", headers={"x-user": "bob"})
        assert refused.status_code == 404 and ROOT not in refused.text
        too_big = await http.post(f"{API}/queue/join", content=b"x" * 2048)
        assert too_big.status_code == 413


async def test_other_routes_pass_untouched() -> None:
    async with _client() as http:
        answer = await http.post("/api/other", content=b"/etc/passwd", headers={"x-user": "ann"})
    assert answer.json() == {"seen": "/etc/passwd", "paths": [PHOTO]}
