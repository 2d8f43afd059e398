"""POST /api/ai/lip-sync with the MuseTalk backend (a tiny seeded MuseTalk), commercial gate on."""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest

from app.config import Settings
from app.context import AppContext
from app.provenance.reading import read_provenance
from pipeline.media.probe import probe
from pipeline.neural.registry import MUSETALK_UNET, model_path
from pipeline.testing.tiny_musetalk import write_tiny_musetalk
from tests.app.test_projects import _topup
from tests.support.accounts import register
from tests.support.jobs import download, running_worker, wait_for_job, wait_for_project
from tests.support.lipsync import film_and_narration, video_frame

pytest.importorskip("diffusers")

DETECT_EVERY = 10
STRONG_CHANGE = 40


@pytest.fixture(scope="module")
def musetalk_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    write_tiny_musetalk(model_path(MUSETALK_UNET, folder), seed=5)
    return folder


@pytest.mark.slow
async def test_lip_sync_job_runs_on_musetalk_under_the_commercial_gate(
    client: httpx.AsyncClient,
    context: AppContext,
    settings: Settings,
    musetalk_dir: Path,
    tmp_path: Path,
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id, _, audio_job_id = await film_and_narration(client, account)
    neural = settings.model_copy(
        update={
            "model_dir": musetalk_dir,
            "lipsync_detect_every": DETECT_EVERY,
            "commercial_use_only": True,
            "neural_device": "cpu",
        }
    )
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
        synced = await wait_for_job(client, account.headers, queued.json()["job_id"], 600)

    assert synced["status"] == "complete", synced
    result = synced["result"]
    assert result["lipsynced"] is True and result["warnings"] == []
    assert result["backends"]["used"]["lipsync"] == MUSETALK_UNET.name
    original = await download(client, project["video_url"], tmp_path / "film.mp4")
    output = await download(client, synced["output_url"], tmp_path / "lipsync.mp4")
    facts, film_facts = probe(output), probe(original)
    assert facts.video is not None and film_facts.video is not None
    assert facts.video.frames == film_facts.video.frames == 1800
    assert (facts.video.width, facts.video.height) == (640, 360)
    assert facts.audio is not None and facts.audio.duration_s == pytest.approx(60.0, abs=0.1)
    action = read_provenance(output).created_action()
    assert action is not None
    assert action["parameters"]["neural"] == [{"stage": "lipsync", "model": MUSETALK_UNET.name}]
    before, after = video_frame(original, 45), video_frame(output, 45)
    changed = np.abs(before.astype(int) - after.astype(int)).max(axis=2) > STRONG_CHANGE
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.size > 20, "the lip-sync changed (almost) nothing"
    assert rows.min() > 120  # below the eyes (the face's centre is at row 170)
