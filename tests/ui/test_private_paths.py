"""The studio's Gradio routes never show server paths, and a file id works only for its owner.

Driven over HTTP as the studio page does: the upload route, then the character images'
change event through `queue/join` and its `queue/data` event stream.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from gradio.utils import get_upload_folder

from app.ui.file_ids import ID_PREFIX
from tests.support.accounts import PASSWORD
from tests.support.media import image_bytes

API = "/studio/gradio_api"
IMAGES_ELEM_ID = "character-images"
FILE_ID = re.compile(rf"^{ID_PREFIX}[A-Za-z0-9_-]+/face\.png$")
MUSIC_STYLE = "ambient"
"""A catalogue style with a preview to hear."""
FILE_ID_OF_ANY_NAME = re.compile(rf"^{ID_PREFIX}[A-Za-z0-9_-]+/[^/]+$")


@asynccontextmanager
async def _signed_in(app: FastAPI, name: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        email = f"paths-{uuid.uuid4().hex[:10]}@example.com"
        await http.post("/studio/signup", data={"name": name, "email": email, "password": PASSWORD})
        yield http


@pytest.fixture
async def owner(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in studio visitor (`client` first empties the tables)."""
    async with _signed_in(app, "Owner") as http:
        yield http


@pytest.fixture
async def stranger(app: FastAPI, owner: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """Another signed-in visitor."""
    async with _signed_in(app, "Stranger") as http:
        yield http


def _assert_no_server_path(text: str) -> None:
    for folder in {get_upload_folder(), tempfile.gettempdir()}:
        assert folder not in text, text


async def _upload(http: httpx.AsyncClient, content: bytes) -> str:
    answer = await http.post(f"{API}/upload", files=[("files", ("face.png", content, "image/png"))])
    assert answer.status_code == 200, answer.text
    _assert_no_server_path(answer.text)
    assert int(answer.headers["content-length"]) == len(answer.content)
    (file_id,) = answer.json()
    assert FILE_ID.match(file_id), file_id
    return str(file_id)


def _file_data(path: str) -> dict[str, Any]:
    return {
        "path": path,
        "url": f"https://testserver{API}/file={path}",
        "orig_name": "face.png",
        "meta": {"_type": "gradio.FileData"},
    }


def _event_index(config: dict[str, Any], component: int, event: str, inputs: list[int]) -> int:
    """The fn_index of a component's event listener taking `inputs`."""
    for dependency in config["dependencies"]:
        targets = [list(target) for target in dependency["targets"]]
        if [component, event] in targets and dependency["inputs"] == inputs:
            return int(dependency["id"])
    raise AssertionError(f"Component {component} has no {event} listener on {inputs}.")


async def _images_change(http: httpx.AsyncClient) -> tuple[int, int]:
    """(fn_index, component id) of the character images' change event."""
    config = (await http.get("/studio/config")).json()
    components = config["components"]
    (images,) = [c["id"] for c in components if c["props"].get("elem_id") == IMAGES_ELEM_ID]
    (change,) = [d for d in config["dependencies"] if [images, "change"] in map(list, d["targets"])]
    return _event_index(config, images, "change", change["inputs"]), images


async def _join(http: httpx.AsyncClient, path: str, session_hash: str) -> httpx.Response:
    fn_index, images = await _images_change(http)
    return await http.post(
        f"{API}/queue/join",
        json={
            "data": [[_file_data(path)], None, False],
            "fn_index": fn_index,
            "trigger_id": images,
            "session_hash": session_hash,
            "event_data": None,
        },
    )


async def _completed(http: httpx.AsyncClient, session_hash: str) -> tuple[dict[str, Any], str]:
    """The process_completed message of the session's event stream, and the whole stream."""
    stream = await http.get(f"{API}/queue/data", params={"session_hash": session_hash})
    assert stream.status_code == 200, stream.text
    assert "content-length" not in stream.headers
    for line in stream.text.splitlines():
        if line.startswith("data:"):
            message = json.loads(line.removeprefix("data:"))
            if message["msg"] == "process_completed":
                return message, stream.text
    raise AssertionError(f"No completed event in {stream.text[-2000:]}")


async def test_an_upload_is_named_by_an_id_that_works_for_its_owner(
    owner: httpx.AsyncClient,
) -> None:
    content = image_bytes(seed=11)
    file_id = await _upload(owner, content)
    _assert_no_server_path((await owner.get("/studio/config")).text)

    download = await owner.get(f"{API}/file={file_id}")
    assert download.status_code == 200, download.text
    assert download.content == content

    session_hash = uuid.uuid4().hex[:11]
    joined = await _join(owner, file_id, session_hash)
    assert joined.status_code == 200, joined.text
    completed, stream = await _completed(owner, session_hash)
    _assert_no_server_path(stream)
    assert completed["success"], completed
    assert "1 image ready: face.png." in stream


async def test_a_generated_file_is_named_by_an_id_for_its_viewer_only(
    owner: httpx.AsyncClient, stranger: httpx.AsyncClient
) -> None:
    config = (await owner.get("/studio/config")).json()
    (music,) = [
        c
        for c in config["components"]
        if c["type"] == "dropdown" and c["props"].get("label") == "Music"
    ]
    style = MUSIC_STYLE
    session_hash = uuid.uuid4().hex[:11]
    joined = await owner.post(
        f"{API}/queue/join",
        json={
            "data": [style],
            "fn_index": _event_index(config, music["id"], "change", [music["id"]]),
            "trigger_id": music["id"],
            "session_hash": session_hash,
            "event_data": None,
        },
    )
    assert joined.status_code == 200, joined.text
    completed, stream = await _completed(owner, session_hash)
    _assert_no_server_path(stream)
    assert completed["success"], completed
    preview = completed["output"]["data"][1]
    assert FILE_ID_OF_ANY_NAME.match(preview["path"]), preview
    assert preview["url"] == f"https://testserver{API}/file={preview['path']}"
    heard = await owner.get(f"{API}/file={preview['path']}")
    assert heard.status_code == 200 and heard.content[:4] == b"RIFF"
    assert (await stranger.get(f"{API}/file={preview['path']}")).status_code == 404


async def test_another_users_id_is_refused(
    owner: httpx.AsyncClient, stranger: httpx.AsyncClient
) -> None:
    file_id = await _upload(owner, image_bytes(seed=12))
    download = await stranger.get(f"{API}/file={file_id}")
    assert download.status_code == 404
    assert download.json()["code"] == "file_not_found"
    joined = await _join(stranger, file_id, uuid.uuid4().hex[:11])
    assert joined.status_code == 404, joined.text
    assert joined.json()["detail"] == (
        "That file is not available to you (it may have expired); upload it again."
    )


@pytest.mark.parametrize("forged", ["/etc/passwd", "../../../../etc/passwd", "upload/x/../../a"])
async def test_a_forged_path_is_refused(owner: httpx.AsyncClient, forged: str) -> None:
    joined = await _join(owner, forged, uuid.uuid4().hex[:11])
    assert joined.status_code in (400, 404), joined.text
    assert joined.json()["code"] in ("invalid_file_reference", "file_not_found")
    _assert_no_server_path(joined.text)
    download = await owner.get(f"{API}/file={quote(forged, safe='')}")
    assert download.status_code in (400, 404), download.text
    assert download.json()["code"] in ("invalid_file_reference", "file_not_found")
    _assert_no_server_path(download.text)


async def test_the_real_path_of_an_upload_is_refused(owner: httpx.AsyncClient) -> None:
    content = image_bytes(seed=13)
    await _upload(owner, content)

    real = f"{get_upload_folder()}/{hashlib.sha256(content).hexdigest()}/face.png"
    joined = await _join(owner, real, uuid.uuid4().hex[:11])
    assert joined.status_code == 400, joined.text
    assert joined.json()["code"] == "invalid_file_reference"
    _assert_no_server_path(joined.text)
    download = await owner.get(f"{API}/file={real}")
    assert download.status_code == 400
    _assert_no_server_path(download.text)
