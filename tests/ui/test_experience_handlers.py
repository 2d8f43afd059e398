"""The studio's handlers behind reopening a rendering film, its warnings and its price."""

from __future__ import annotations

import uuid

import gradio as gr
import httpx

from app.context import AppContext
from app.ui.eta import smooth_eta
from app.ui.film_warnings import render_warnings
from app.ui.runtime import StudioRuntime
from app.ui.studio import FILMS_TAB, Studio
from app.worker.job_warnings import WARNING_ACTION
from db.repositories import logs as log_repo
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT


def _request(user_id: str, query: str = "") -> gr.Request:
    request = gr.Request(username=user_id)
    request.query_params = dict(item.split("=", 1) for item in query.split("&") if item)  # type: ignore[assignment]
    return request


async def test_a_queued_film_is_reopened_on_load_and_its_warnings_shown(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    creator = await register(client, name="Maya")
    studio = Studio(StudioRuntime(lambda: context), context.settings)
    nothing = await studio.open_on_load(_request(creator.id))
    assert studio.selected not in nothing

    created = await client.post(
        "/api/projects/create",
        headers=creator.headers,
        json={"title": "Queued", "script": ONE_MINUTE_SCRIPT, "duration": 1},
    )
    assert created.status_code == 201, created.text
    film = await client.get(f"/api/projects/{created.json()['id']}", headers=creator.headers)
    job_id = uuid.UUID(film.json()["job_id"])
    project_id = uuid.UUID(film.json()["id"])
    async with context.sessions() as session, session.begin():
        await log_repo.add(
            session,
            WARNING_ACTION,
            f"video job {job_id}: No image matches the character(s) MAYA, RAVI; title cards.",
            project_id=project_id,
        )
        await log_repo.add(
            session, WARNING_ACTION, f"video job {uuid.uuid4()}: an older render's note",
            project_id=project_id,
        )  # fmt: skip

    opened = await studio.open_on_load(_request(creator.id))
    assert opened[studio.selected] == str(project_id)
    assert opened[studio.tabs].selected == FILMS_TAB
    assert "MAYA, RAVI" in opened[studio.films.warnings]
    assert "older render" not in opened[studio.films.warnings]
    asked = await studio.open_on_load(_request(creator.id, "tab=credits"))
    assert asked[studio.tabs].selected == "credits"

    async with context.sessions() as session:
        assert await render_warnings(session, project_id, None) == []


def test_the_time_left_counts_down_instead_of_jumping() -> None:
    shown, memory = smooth_eta(None, "film", 100.0, now_s=0.0)
    assert shown == 100.0
    shown, memory = smooth_eta(memory, "film", 160.0, now_s=10.0)  # a pessimistic new guess
    assert shown is not None and 90.0 < shown < 160.0 and round(shown) == 111
    shown, memory = smooth_eta(memory, "film", 40.0, now_s=20.0)  # an optimistic one
    assert shown is not None and 40.0 < shown < 101.0
    assert smooth_eta(memory, "another film", 30.0, now_s=21.0)[0] == 30.0
    assert smooth_eta(memory, "film", None, now_s=22.0) == (None, None)
