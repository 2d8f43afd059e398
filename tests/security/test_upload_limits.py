"""Tracks are checked cheaply and bounded; uploads have quotas, a rate limit and a delete."""

from __future__ import annotations

import asyncio
import io
import subprocess
import time
import wave
from pathlib import Path

import httpx
import pytest

from app.context import AppContext
from app.uploads.quotas import QUOTA_FILES
from db.enums import PlanType
from pipeline.media.encode import ffmpeg_exe
from tests.support.accounts import register
from tests.support.media import image_bytes


def _wav(rate: int, frames: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as track:
        track.setnchannels(1)
        track.setsampwidth(2)
        track.setframerate(rate)
        track.writeframes(b"\0\0" * frames)
    return out.getvalue()


async def test_a_one_hertz_wav_is_not_an_hour_of_music(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/uploads/audio",
        files={"file": ("slow.wav", _wav(1, 3500), "audio/wav")},
        headers=account.headers,
    )
    assert response.status_code == 422
    assert "sample rate" in response.json()["detail"]


async def test_a_long_compressed_track_is_checked_in_milliseconds(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    account = await register(client)
    path = tmp_path / "long.ogg"
    await asyncio.to_thread(
        subprocess.run,
        [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo",
         "-t", "3540", "-c:a", "libvorbis", str(path)],
        check=True,
    )  # fmt: skip
    started = time.monotonic()
    response = await client.post(
        "/api/uploads/audio",
        files={"file": ("long.ogg", path.read_bytes(), "audio/ogg")},
        headers=account.headers,
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.text
    assert response.json()["duration_s"] == pytest.approx(3540, abs=1)
    assert elapsed < 3.0  # the whole-file decode took about 15 s


async def test_uploads_have_a_quota_a_usage_and_a_delete(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(QUOTA_FILES, PlanType.FREE, 2)
    account = await register(client)
    refs = []
    for seed in range(2):
        stored = await client.post(
            "/api/uploads/images",
            files=[("files", (f"i{seed}.png", image_bytes(seed=seed), "image/png"))],
            headers=account.headers,
        )
        assert stored.status_code == 201
        refs.append(stored.json()["images"][0])
    full = await client.post(
        "/api/uploads/images",
        files=[("files", ("i9.png", image_bytes(seed=9), "image/png"))],
        headers=account.headers,
    )
    assert full.status_code == 409
    assert full.json()["code"] == "storage_quota_exceeded"
    usage = (await client.get("/api/uploads/usage", headers=account.headers)).json()
    assert usage["files_used"] == 2 and usage["files_limit"] == 2
    assert usage["bytes_used"] == sum(ref["size_bytes"] for ref in refs)
    stranger = await register(client)
    assert (
        await client.delete(f"/api/uploads/{refs[0]['id']}", headers=stranger.headers)
    ).status_code == 404
    deleted = await client.delete(f"/api/uploads/{refs[0]['id']}", headers=account.headers)
    assert deleted.status_code == 204
    assert not any(context.storage.exists(f"users/{account.id}/uploads/{refs[0]['id']}/{name}")
                   for name in ("i0.png",))  # fmt: skip
    again = await client.post(
        "/api/uploads/images",
        files=[("files", ("i9.png", image_bytes(seed=9), "image/png"))],
        headers=account.headers,
    )
    assert again.status_code == 201


async def test_uploads_are_rate_limited_per_user(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context.settings, "rate_limit_uploads", "2/minute")
    account = await register(client)
    statuses = []
    for seed in range(3):
        response = await client.post(
            "/api/uploads/images",
            files=[("files", (f"r{seed}.png", image_bytes(seed=seed), "image/png"))],
            headers=account.headers,
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
