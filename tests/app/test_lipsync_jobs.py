"""POST /api/ai/lip-sync through the API with a real worker and a tiny seeded Wav2Lip graph."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import select

from app.ai.links import storage_key
from app.config import Settings
from app.context import AppContext
from app.errors import Unprocessable
from app.provenance.reading import read_provenance
from app.storage import LocalStorage, S3Storage
from db.models import LogEntry
from pipeline.media.probe import probe
from pipeline.neural.registry import WAV2LIP, model_path
from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _topup, film
from tests.support.accounts import register
from tests.support.jobs import download, running_worker, wait_for_job, wait_for_project
from tests.support.lipsync import film_and_narration, video_frame

pytest.importorskip("onnxruntime")

DETECT_EVERY = 10
STRONG_CHANGE = 60
"""A pixel channel moved by more than this was repainted (re-encoding moves edges by < 20)."""
"""Face detection every 10th frame keeps the 1800-frame job quick on a 2-core CPU."""


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    build_tiny_wav2lip(model_path(WAV2LIP, folder), seed=5)
    return folder


async def test_lip_sync_of_a_film_to_a_narration_end_to_end(
    client: httpx.AsyncClient,
    context: AppContext,
    settings: Settings,
    tiny_model_dir: Path,
    tmp_path: Path,
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id, _, audio_job_id = await film_and_narration(client, account)
    neural = settings.model_copy(
        update={"model_dir": tiny_model_dir, "lipsync_detect_every": DETECT_EVERY}
    )
    plain = settings.model_copy(update={"model_dir": tmp_path / "no-models"})

    async with running_worker(neural, context.database_url):
        project, _ = await wait_for_project(client, account.headers, project_id)
        narration = await wait_for_job(client, account.headers, audio_job_id)
        assert project["status"] == "complete" and narration["status"] == "complete"
        body = {
            "project_id": project_id,
            "video_url": project["video_url"],
            "audio_url": narration["output_url"],
        }
        queued = await client.post("/api/ai/lip-sync", json=body, headers=account.headers)
        assert queued.status_code == 202, queued.text
        assert queued.json()["credits_charged"] == 3  # a 1-minute film: one started minute
        synced = await wait_for_job(client, account.headers, queued.json()["job_id"], 180)

    assert synced["status"] == "complete", synced
    assert synced["kind"] == "lipsync"
    assert synced["result"]["lipsynced"] is True
    assert synced["result"]["backends"]["used"]["lipsync"] == WAV2LIP.name
    original = await download(client, project["video_url"], tmp_path / "film.mp4")
    output = await download(client, synced["output_url"], tmp_path / "lipsync.mp4")
    film_facts, facts = probe(original), probe(output)
    assert facts.video is not None and film_facts.video is not None
    assert facts.video.frames == film_facts.video.frames == 1800
    assert (facts.video.width, facts.video.height) == (640, 360)
    assert (facts.video.codec, facts.video.profile, facts.video.pix_fmt) == (
        "h264",
        "High",
        "yuv420p",
    )
    assert facts.video.constant_frame_rate and facts.faststart
    assert facts.audio is not None and facts.audio.sample_rate == 48_000
    assert facts.audio.channels == 2
    assert facts.audio.duration_s == pytest.approx(60.0, abs=0.1)
    # The output carries its own signed Content Credentials: Wav2Lip named, inputs by hash.
    credentials = read_provenance(output)
    assert credentials.valid and synced["result"]["provenance"]["signed"] is True
    action = credentials.created_action()
    assert action is not None
    assert action["parameters"]["neural"] == [{"stage": "lipsync", "model": WAV2LIP.name}]
    assert credentials.ingredient_hashes()[0] == hashlib.sha256(original.read_bytes()).hexdigest()
    # The generated mouth replaces the lower face; above it only the re-encode differs.
    before, after = video_frame(original, 45), video_frame(output, 45)
    changed = np.abs(before.astype(int) - after.astype(int)).max(axis=2) > STRONG_CHANGE
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.size > 40, "the lip-sync changed (almost) nothing"
    assert rows.min() > 120  # below the eyes (the face's centre is at row 170)

    # Without weights the job still delivers the video with the new audio, and says why.
    again = await client.post("/api/ai/lip-sync", json=body, headers=account.headers)
    assert again.status_code == 202, again.text
    async with running_worker(plain, context.database_url):
        fallback = await wait_for_job(client, account.headers, again.json()["job_id"], 120)
    assert fallback["status"] == "complete", fallback
    assert fallback["result"]["lipsynced"] is False
    assert any("no lip-sync model is available" in w for w in fallback["result"]["warnings"])
    plain_output = probe(await download(client, fallback["output_url"], tmp_path / "plain.mp4"))
    assert plain_output.video is not None and plain_output.video.frames == 1800
    assert plain_output.audio is not None
    unchanged = np.abs(before.astype(int) - video_frame(tmp_path / "plain.mp4", 45).astype(int))
    assert unchanged.mean() < 2  # only the re-encode differs
    async with context.sessions() as session:
        warnings = list(
            await session.scalars(
                select(LogEntry.message).where(
                    LogEntry.action == "job.warning", LogEntry.project_id == project_id
                )
            )
        )
    assert any("Wav2Lip" in message for message in warnings)
    assert await assert_balances_agree(context, account.id) == 33 - 3 - 3 - 3 - 3


async def test_lip_sync_refuses_links_the_studio_did_not_issue_for_this_user(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    own_key = f"users/{account.id}/uploads/{uuid.uuid4()}/voice.m4a"
    storage.put_bytes(own_key, b"not really audio", "audio/mp4")
    own = storage.url(own_key)
    stranger = storage.url(f"users/{uuid.uuid4()}/uploads/{uuid.uuid4()}/film.mp4")
    vanished = storage.url(f"users/{account.id}/uploads/{uuid.uuid4()}/gone.mp4")
    cases = {
        "https://example.com/video.mp4": "foreign_link",
        "file:///etc/passwd": "foreign_link",
        own.replace("signature=", "signature=0"): "invalid_link",
        stranger: "not_your_file",
        vanished: "missing_file",
        own: "not_media",
    }
    balance = (await client.get("/api/credits/balance", headers=account.headers)).json()
    for link, code in cases.items():
        response = await client.post(
            "/api/ai/lip-sync",
            json={"project_id": project_id, "video_url": link, "audio_url": own},
            headers=account.headers,
        )
        assert response.status_code == 422, (link, response.text)
        assert response.json()["code"] == code, (link, response.json())
        assert response.json()["field"] == "video_url"
    other = await client.post(
        "/api/ai/lip-sync",
        json={"project_id": str(uuid.uuid4()), "video_url": own, "audio_url": own},
        headers=account.headers,
    )
    assert other.status_code == 404
    after = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert after["balance"] == balance["balance"]  # nothing charged for a refused request


def test_s3_links_map_back_to_keys_only_for_our_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    storage = S3Storage("films", "studio", endpoint_url="http://127.0.0.1:9000")
    key = "projects/p1/jobs/j1/film.mp4"
    assert storage_key(storage, storage.url(key), "video_url") == key
    assert storage_key(storage, f"s3://films/studio/{key}", "video_url") == key
    for foreign in (
        f"s3://other-bucket/studio/{key}",
        f"https://evil.example.com/films/studio/{key}",
        f"http://127.0.0.1:9000/other/studio/{key}",
        "http://127.0.0.1:9000/films/studio/projects/../secrets",
    ):
        with pytest.raises(Unprocessable) as refused:
            storage_key(storage, foreign, "video_url")
        assert refused.value.code == "foreign_link"
