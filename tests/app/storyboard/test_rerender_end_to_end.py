"""A real worker renders a film, then a re-render of one edited scene: same seed, the last
render.json handed on, the storyboard compared with what was rendered."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.context import AppContext
from app.storage import LocalStorage
from app.storage_keys import film_keys
from app.storyboard.history import read_report, report_scenes
from tests.app.test_projects import _topup, film
from tests.support.accounts import register
from tests.support.jobs import running_worker, wait_for_project

NEW_LINE = "A kite rose over the river, red against the morning, and the children ran after it."


@pytest.mark.slow
async def test_a_rerender_of_one_scene_keeps_the_seed_and_compares_with_the_render(
    client: httpx.AsyncClient, context: AppContext, settings: Settings, tmp_path: Path
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    created = await client.post(
        "/api/projects/create", json=film(resolution="360p"), headers=account.headers
    )
    project_id = created.json()["id"]
    url = f"/api/projects/{project_id}"
    async with running_worker(settings, context.database_url):
        first, _ = await wait_for_project(client, account.headers, project_id)
        assert first["status"] == "complete", first

        board = (await client.get(f"{url}/scenes", headers=account.headers)).json()
        assert board["rendered_job_id"] == first["job_id"] and board["full_render"] is False
        storage = context.storage
        assert isinstance(storage, LocalStorage)
        first_report = read_report(storage, uuid.UUID(project_id), uuid.UUID(first["job_id"]))
        laid_out = report_scenes(first_report)
        for scene in board["scenes"]:
            if laid_out:  # the render recorded its layout: times and thumbnails from it
                assert scene["duration_s"] > 0 and scene["thumbnail_url"]
            else:
                assert scene["start_s"] is None and scene["thumbnail_url"] is None

        await client.patch(f"{url}/scenes/2", json={"text": NEW_LINE}, headers=account.headers)
        again = await client.post(f"{url}/render", headers=account.headers)
        assert again.status_code == 200, again.text
        assert again.json()["changed_scenes"] == [2]
        second, _ = await wait_for_project(client, account.headers, project_id)
    assert second["status"] == "complete" and second["job_id"] == again.json()["job_id"]

    def seed_of(job_id: str) -> int:
        key = film_keys(uuid.UUID(project_id), uuid.UUID(job_id)).report
        return int(json.loads(storage.path(key).read_text())["settings"]["seed"])

    assert seed_of(second["job_id"]) == seed_of(first["job_id"])
    board = (await client.get(f"{url}/scenes", headers=account.headers)).json()
    assert board["rendered_job_id"] == second["job_id"]
    assert not any(scene["changed"] for scene in board["scenes"])
    assert board["scenes"][2]["text"] == NEW_LINE
