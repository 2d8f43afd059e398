"""Renders and stage jobs through the API with a real worker: progress, links, refunds."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.config import Settings
from app.context import AppContext
from app.download_names import content_disposition
from app.storage import LocalStorage
from db.models import CreditLedgerEntry, Job, LogEntry, Upload
from pipeline.media.probe import probe
from pipeline.neural.soundfonts import SOUNDFONTS
from pipeline.subtitles import parse_cues
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _topup, _upload, film
from tests.support.accounts import register
from tests.support.jobs import download, running_worker, wait_for_job, wait_for_project
from tests.support.media import tone_file

FILM_TOLERANCE = 0.02
TITLE = "Asha's river: नदी"
"""A title with characters a file name cannot hold (':') and beyond ASCII."""


async def _ledger(context: AppContext, user_id: str) -> list[str]:
    async with context.sessions() as session:
        rows = await session.scalars(
            select(CreditLedgerEntry.reason)
            .where(CreditLedgerEntry.user_id == user_id)
            .order_by(CreditLedgerEntry.created_at)
        )
        return [str(reason) for reason in rows]


async def test_a_film_renders_end_to_end(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    refs = await _upload(client, account, "Asha.png", "river.png")
    created = await client.post(
        "/api/projects/create",
        json=film(
            title=TITLE,
            images=refs,
            resolution="360p",
            music="devotional",
            captions="shorts",
        ),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]

    async with running_worker(settings, context.database_url):
        project, progress = await wait_for_project(client, account.headers, project_id)
    for field, extension in (("video_url", "mp4"), ("subtitles_url", "srt")):
        link = httpx.URL(project[field])
        answer = await client.get(f"{link.path}?{link.query.decode()}")
        assert answer.headers["content-disposition"] == content_disposition(
            f"{TITLE}.{extension}"
        ), answer.headers

    assert project["status"] == "complete", project
    assert project["progress"] == 100.0 and project["error"] is None
    assert any(0 < value < 100 for value in progress), progress
    assert progress == sorted(progress)

    video = probe(await download(client, project["video_url"], tmp_path / "film.mp4"))
    assert abs(video.duration_s - 60.0) <= 60.0 * FILM_TOLERANCE
    assert video.video is not None and video.video.codec == "h264"
    assert video.video.profile == "High" and video.video.pix_fmt == "yuv420p"
    assert (video.video.width, video.video.height) == (640, 360)
    assert video.audio is not None and video.audio.codec == "aac"
    assert video.audio.sample_rate == 48_000 and video.faststart

    srt = (await download(client, project["subtitles_url"], tmp_path / "film.srt")).read_text()
    vtt = (await download(client, project["subtitles_vtt_url"], tmp_path / "film.vtt")).read_text()
    cues = parse_cues(srt)
    assert cues and cues == parse_cues(vtt)
    assert "Asha" in " ".join(" ".join(cue.lines) for cue in cues)

    listed = (await client.get("/api/projects", headers=account.headers)).json()["projects"]
    (row,) = [item for item in listed if item["id"] == project_id]
    assert row["video_url"].startswith("http") and "signature=" in row["video_url"]
    storage = context.storage
    assert isinstance(storage, LocalStorage) and str(storage.root) not in row["video_url"]
    from_list = await download(client, row["video_url"], tmp_path / "listed.mp4")
    assert from_list.read_bytes() == (tmp_path / "film.mp4").read_bytes()
    job = (await client.get(f"/api/ai/jobs/{project['job_id']}", headers=account.headers)).json()
    from_job = await download(client, job["output_url"], tmp_path / "job.mp4")
    assert from_job.read_bytes() == from_list.read_bytes()
    assert "outputs" not in job["result"] and "output_key" not in job["result"]

    assert await _ledger(context, account.id) == ["signup", "debit"]
    assert await assert_balances_agree(context, account.id) == 0
    async with context.sessions() as session:
        actions = list(
            await session.scalars(
                select(LogEntry.action)
                .where(LogEntry.project_id == project_id)
                .order_by(LogEntry.timestamp)
            )
        )
    assert actions[:2] == ["project.create", "job.queued"]
    assert actions[-2:] == ["job.started", "job.complete"]
    async with context.sessions() as session:
        job = (await session.scalars(select(Job).where(Job.project_id == project_id))).one()
    assert job.result["captions"] == "shorts"
    assert job.result["backends"]["music_instruments"] in {"wavetable"} | {
        f"soundfont:{spec.path.name}" for spec in SOUNDFONTS
    }

    expired = project["video_url"].replace("signature=", "signature=0")
    parts = httpx.URL(expired)
    assert (await client.get(f"{parts.path}?{parts.query.decode()}")).status_code == 403


async def test_a_failed_render_refunds_exactly_once_with_the_reason(
    client: httpx.AsyncClient, context: AppContext, settings: Settings
) -> None:
    account = await register(client)
    refs = await _upload(client, account, "Asha.png")
    created = await client.post(
        "/api/projects/create", json=film(images=refs, resolution="360p"), headers=account.headers
    )
    project_id = created.json()["id"]
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    async with context.sessions() as session:
        upload = await session.scalar(select(Upload))
    assert upload is not None
    storage.path(upload.storage_key).unlink()  # the image vanished from storage

    async with running_worker(settings, context.database_url):
        project, _ = await wait_for_project(client, account.headers, project_id)
        job_id = project["job_id"]
        again = await client.post(f"/api/ai/jobs/{job_id}/cancel", headers=account.headers)

    assert project["status"] == "failed" and project["job_status"] == "failed"
    assert "no longer exists" in project["error"]
    assert again.status_code == 409
    assert await _ledger(context, account.id) == ["signup", "debit", "refund"]
    assert await assert_balances_agree(context, account.id) == 3


async def test_cancel_stops_a_running_render_and_refunds(
    client: httpx.AsyncClient, context: AppContext, settings: Settings
) -> None:
    account = await register(client)
    created = await client.post(
        "/api/projects/create", json=film(resolution="720p"), headers=account.headers
    )
    job_id = created.json()["job_id"]
    project_id = created.json()["id"]
    async with running_worker(settings, context.database_url):
        running = await wait_for_job(client, account.headers, job_id, until={"running"})
        assert running["status"] == "running"
        await asyncio.sleep(1.0)
        cancelled = await client.post(f"/api/ai/jobs/{job_id}/cancel", headers=account.headers)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        progress_then = (await wait_for_job(client, account.headers, job_id))["progress"]
        await asyncio.sleep(2.5)
        progress_later = (
            await client.get(f"/api/ai/jobs/{job_id}", headers=account.headers)
        ).json()

    assert progress_later["status"] == "cancelled"
    assert progress_later["progress"] == progress_then  # the worker stopped reporting
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    assert not (storage.root / "projects" / project_id).exists()
    assert await _ledger(context, account.id) == ["signup", "debit", "refund"]
    project = (await client.get(f"/api/projects/{project_id}", headers=account.headers)).json()
    assert project["status"] == "failed" and "cancelled" in project["error"]


async def test_a_transient_failure_is_retried(
    client: httpx.AsyncClient,
    context: AppContext,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account = await register(client)
    refs = await _upload(client, account, "Asha.png")
    created = await client.post(
        "/api/projects/create", json=film(images=refs, resolution="360p"), headers=account.headers
    )
    storage = context.storage
    assert isinstance(storage, LocalStorage)
    real_download = LocalStorage.download
    failures = []

    def flaky_download(self: LocalStorage, key: str, destination: Path) -> None:
        if not failures:
            failures.append(key)
            raise OSError("storage briefly unreachable")
        real_download(self, key, destination)

    monkeypatch.setattr(LocalStorage, "download", flaky_download)
    async with running_worker(settings, context.database_url):
        project, _ = await wait_for_project(client, account.headers, created.json()["id"])
    assert project["status"] == "complete"
    async with context.sessions() as session:
        job = await session.get(Job, project["job_id"])
        actions = list(await session.scalars(select(LogEntry.action)))
    assert job is not None and job.attempts == 2
    assert "job.retry" in actions
    assert await _ledger(context, account.id) == ["signup", "debit"]


async def test_audio_and_music_jobs_produce_files_and_charge_by_the_minute(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    audio = await client.post(
        "/api/ai/audio-generate",
        json={
            "project_id": project_id,
            "text": "Hello world. This is the narrator speaking.",
            "voice": "female",
            "language": "en",
        },
        headers=account.headers,
    )
    music = await client.post(
        "/api/ai/music-generate",
        json={
            "project_id": project_id,
            "prompt": "Cinematic orchestral music",
            "duration": 75,
            "style": "cinematic",
        },
        headers=account.headers,
    )
    assert audio.status_code == music.status_code == 202, (audio.text, music.text)
    assert audio.json()["status"] == "queued" and audio.json()["credits_charged"] == 3
    assert music.json()["credits_charged"] == 6  # 75 s is billed as 2 minutes
    assert (
        "minutes" in music.json()["estimated_time"] or "seconds" in music.json()["estimated_time"]
    )

    async with running_worker(settings, context.database_url):
        audio_job = await wait_for_job(client, account.headers, audio.json()["job_id"])
        music_job = await wait_for_job(client, account.headers, music.json()["job_id"])
        await wait_for_project(client, account.headers, project_id)

    assert audio_job["status"] == music_job["status"] == "complete"
    narration = probe(await download(client, audio_job["output_url"], tmp_path / "n.m4a"))
    assert narration.audio is not None and 1.5 < narration.duration_s < 6
    track = probe(await download(client, music_job["output_url"], tmp_path / "m.m4a"))
    assert track.audio is not None and track.audio.channels == 2
    assert abs(track.duration_s - 75) < 0.1
    assert await assert_balances_agree(context, account.id) == 33 - 3 - 3 - 6


async def test_estimates_come_from_measured_throughput(
    client: httpx.AsyncClient, context: AppContext, settings: Settings
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    body = {"project_id": project_id, "duration": 30, "style": "ambient"}
    first = await client.post("/api/ai/music-generate", json=body, headers=account.headers)
    assert first.json()["estimate_basis"] == "benchmark default"
    async with running_worker(settings, context.database_url):
        await wait_for_job(client, account.headers, first.json()["job_id"])
    second = await client.post("/api/ai/music-generate", json=body, headers=account.headers)
    assert second.json()["estimate_basis"] == "measured on this installation"
    assert second.json()["estimated_seconds"] > 0


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    headers = {**account.headers, "Idempotency-Key": "create-once-123"}
    first = await client.post("/api/projects/create", json=film(), headers=headers)
    second = await client.post("/api/projects/create", json=film(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    other = await client.post("/api/projects/create", json=film(title="Other"), headers=headers)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    concurrent = await asyncio.gather(
        *(
            client.post(
                "/api/projects/create",
                json=film(title="Race"),
                headers={**account.headers, "Idempotency-Key": "race-key"},
            )
            for _ in range(5)
        )
    )
    assert {response.status_code for response in concurrent} == {201}
    assert len({response.json()["id"] for response in concurrent}) == 1
    assert await assert_balances_agree(context, account.id) == 33 - 6


async def test_a_film_scored_with_the_users_own_track(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    track = tone_file(tmp_path / "theme.wav", seconds=5)
    uploaded = await client.post(
        "/api/uploads/audio",
        files={"file": ("theme.wav", track.read_bytes(), "audio/wav")},
        headers=account.headers,
    )
    created = await client.post(
        "/api/projects/create",
        json=film(resolution="360p", music=uploaded.json()["ref"]),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    async with running_worker(settings, context.database_url):
        project, _ = await wait_for_project(client, account.headers, created.json()["id"])
    assert project["status"] == "complete", project
    facts = probe(await download(client, project["video_url"], tmp_path / "film.mp4"))
    assert abs(facts.duration_s - 60.0) <= 60.0 * FILM_TOLERANCE
