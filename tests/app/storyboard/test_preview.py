"""A scene's draft preview: a real 360p MP4 with sound, about as long as the scene's speech."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.context import AppContext
from app.storyboard import preview
from pipeline.media.probe import probe
from pipeline.timing import estimate_narration_s
from tests.app.storyboard.support import rendered_project
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _upload
from tests.support.accounts import register
from tests.support.jobs import download
from tests.support.media import ONE_MINUTE_SCRIPT

PREVIEW_LENGTH_TOLERANCE = 0.25
"""The preview lasts the scene's estimated narration, within this fraction."""


async def test_a_scene_previews_alone_at_360p_with_sound_for_free(
    client: httpx.AsyncClient, context: AppContext, tmp_path: Path
) -> None:
    account = await register(client)
    (river,) = await _upload(client, account, "river.png")
    project_id = await rendered_project(client, context, account, images=[river])
    await client.patch(
        f"/api/projects/{project_id}/scenes/1", json={"voice": "female"}, headers=account.headers
    )
    balance = await assert_balances_agree(context, account.id)
    response = await client.post(
        f"/api/projects/{project_id}/scenes/1/preview", headers=account.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["width"], body["height"]) == (640, 360)
    facts = probe(await download(client, body["url"], tmp_path / "preview.mp4"))
    assert facts.video is not None and (facts.video.width, facts.video.height) == (640, 360)
    assert facts.audio is not None and facts.audio.codec == "aac"
    scene_text = ONE_MINUTE_SCRIPT.split("\n\n")[1]
    expected = estimate_narration_s(scene_text, "en", "female")
    assert abs(facts.duration_s - expected) <= expected * PREVIEW_LENGTH_TOLERANCE
    assert 5 < facts.duration_s < 30 and abs(facts.duration_s - body["duration_s"]) < 0.1
    assert await assert_balances_agree(context, account.id) == balance


async def test_previews_are_rate_limited_per_user_and_others_are_404(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    intruder = await register(client)
    project_id = await rendered_project(client, context, account)
    url = f"/api/projects/{project_id}/scenes"
    assert (await client.post(f"{url}/0/preview", headers=intruder.headers)).status_code == 404
    limit = int(context.settings.rate_limit_previews.split("/")[0])
    for _ in range(limit):
        missing = await client.post(f"{url}/9/preview", headers=account.headers)
        assert missing.status_code == 404 and "numbered 0 to 3" in missing.json()["detail"]
    refused = await client.post(f"{url}/0/preview", headers=account.headers)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


async def test_previews_beyond_the_running_cap_are_503(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await register(client)
    project_id = await rendered_project(client, context, account)
    monkeypatch.setattr(preview._Running, "count", preview.MAX_RUNNING_PREVIEWS)
    response = await client.post(
        f"/api/projects/{project_id}/scenes/0/preview", headers=account.headers
    )
    assert response.status_code == 503 and "try again" in response.json()["detail"]
