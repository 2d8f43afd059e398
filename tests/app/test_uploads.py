"""Uploading character images: real checks on type, size and pixel count; nothing half-stored."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.storage import LocalStorage
from db.models import Upload
from tests.support.accounts import register
from tests.support.media import image_bytes


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
