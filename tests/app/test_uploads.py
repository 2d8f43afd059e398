"""Uploading character images: real checks on type, size and pixel count; nothing half-stored."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.storage import LocalStorage
from db.models import Upload
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT, header_bomb_png, image_bytes, tone_file


async def _count_uploads(context: AppContext) -> int:
    async with context.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Upload)) or 0)


async def test_upload_images_returns_refs_that_keep_the_name(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    files = [
        ("files", ("Arjun.jpg", image_bytes(fmt="JPEG"), "image/jpeg")),
        ("files", ("../../etc/Meera.png", image_bytes(fmt="PNG", mode="RGBA"), "image/png")),
        ("files", ("print.jpg", image_bytes(fmt="JPEG", mode="CMYK"), "image/jpeg")),
    ]
    response = await client.post("/api/uploads/images", files=files, headers=account.headers)
    assert response.status_code == 201, response.text
    images = response.json()["images"]
    assert [image["filename"] for image in images] == ["Arjun.jpg", "Meera.png", "print.jpg"]
    assert all(image["ref"].endswith("/" + image["filename"]) for image in images)
    assert images[0]["width"] == 320
    assert images[0]["height"] == 180
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    stored = [path for path in (storage.root / "users" / account.id).rglob("*") if path.is_file()]
    assert sorted(path.name for path in stored) == ["Arjun.jpg", "Meera.png", "print.jpg"]
    assert all(storage.root in path.parents for path in stored)


@pytest.mark.parametrize(
    ("filename", "data", "status", "words"),
    [
        ("notes.txt", b"just some text, not an image", 422, "not a readable image"),
        ("broken.jpg", image_bytes(fmt="JPEG")[:2000], 422, "damaged"),
        ("tiny.png", image_bytes(8, 8), 422, "at least"),
        ("bomb.png", image_bytes(9000, 5000, fmt="PNG"), 422, "more than the limit"),
        ("giant.png", header_bomb_png(), 422, "more pixels than the limit"),
    ],
)
async def test_bad_images_get_a_clear_4xx_and_nothing_is_stored(
    client: httpx.AsyncClient,
    context: AppContext,
    filename: str,
    data: bytes,
    status: int,
    words: str,
) -> None:
    account = await register(client)
    good = ("files", ("fine.png", image_bytes(), "image/png"))
    response = await client.post(
        "/api/uploads/images",
        files=[good, ("files", (filename, data, "application/octet-stream"))],
        headers=account.headers,
    )
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert await _count_uploads(context) == 0


async def test_oversized_upload_is_413(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context.settings, "max_upload_bytes", 2_000)
    account = await register(client)
    big = image_bytes(400, 400, fmt="PNG", seed=3)
    assert len(big) > 2_000
    response = await client.post(
        "/api/uploads/images",
        files=[("files", ("big.png", big, "image/png"))],
        headers=account.headers,
    )
    assert response.status_code == 413
    assert "upload limit" in response.json()["detail"]
    assert await _count_uploads(context) == 0


async def test_upload_needs_sign_in_and_a_file(client: httpx.AsyncClient) -> None:
    anonymous = await client.post(
        "/api/uploads/images", files=[("files", ("a.png", image_bytes(), "image/png"))]
    )
    assert anonymous.status_code == 401
    account = await register(client)
    empty = await client.post("/api/uploads/images", headers=account.headers, data={})
    assert empty.status_code == 422


async def test_music_track_upload_is_decoded_and_usable_as_music(
    client: httpx.AsyncClient, context: AppContext, tmp_path: Path
) -> None:
    account = await register(client)
    track = tone_file(tmp_path / "My Theme.mp3", seconds=4)
    response = await client.post(
        "/api/uploads/audio",
        files={"file": ("My Theme.mp3", track.read_bytes(), "audio/mpeg")},
        headers=account.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "audio" and body["filename"] == "My Theme.mp3"
    assert body["content_type"] == "audio/mpeg" and abs(body["duration_s"] - 4) < 0.1

    created = await client.post(
        "/api/projects/create",
        json={"title": "Scored", "script": ONE_MINUTE_SCRIPT, "duration": 1, "music": body["ref"]},
        headers=account.headers,
    )
    assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("noise.mp3", b"not really audio" * 100, "not a readable audio file"),
        ("picture.mp3", image_bytes(fmt="PNG"), "format"),
    ],
)
async def test_bad_music_tracks_get_422_and_nothing_is_stored(
    client: httpx.AsyncClient, context: AppContext, filename: str, data: bytes, words: str
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/uploads/audio",
        files={"file": (filename, data, "audio/mpeg")},
        headers=account.headers,
    )
    assert response.status_code == 422, response.text
    assert words in response.json()["detail"]
    assert await _count_uploads(context) == 0
