"""The studio's handlers call the services directly: same rules, same words, per-user data."""

from __future__ import annotations

import uuid

import gradio as gr
import httpx
from sqlalchemy import update

from app.config import Settings
from app.context import AppContext
from app.ui.formatting import field_error_html
from app.ui.runtime import ACCOUNT_GONE, StudioRuntime
from app.ui.tabs.admin import AdminTab
from app.ui.tabs.films import FilmsTab
from app.ui.tabs.new_film import NewFilmTab
from db.enums import Role
from db.models import User
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT


def _runtime(context: AppContext) -> StudioRuntime:
    return StudioRuntime(lambda: context)


def _as(user_id: str) -> gr.Request:
    return gr.Request(username=user_id)


async def test_admin_listing_is_refused_to_creators_even_if_called_directly(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    creator = await register(client, name="Creator")
    admin = await register(client, name="Admin")
    async with context.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == admin.id).values(role=Role.ADMIN))
    with gr.Blocks():
        tab = AdminTab(_runtime(context))

    refused = await tab.load("", _as(creator.id))
    assert refused.keys() == {tab.notice}
    assert "Only administrators can do this." in refused[tab.notice]

    allowed = await tab.load("user.register", _as(admin.id))
    emails = {row[1] for row in allowed[tab.users]}
    assert emails == {creator.user["email"], admin.user["email"]}
    assert {row[1] for row in allowed[tab.logs]} == {"user.register"}
    part = await tab.load("REGIST", _as(admin.id))
    assert {row[1] for row in part[tab.logs]} == {"user.register"}
    nothing = await tab.load("no_such%", _as(admin.id))
    assert nothing[tab.logs] == []
    assert "No log entries match &#x27;no_such%&#x27;." in nothing[tab.notice]


async def test_a_film_of_someone_else_cannot_be_opened_regenerated_or_deleted(
    client: httpx.AsyncClient, context: AppContext, settings: Settings
) -> None:
    owner = await register(client, name="Owner")
    stranger = await register(client, name="Stranger")
    created = await client.post(
        "/api/projects/create",
        headers=owner.headers,
        json={"title": "Mine", "script": ONE_MINUTE_SCRIPT, "duration": 1, "resolution": "360p"},
    )
    assert created.status_code == 201, created.text
    film_id = created.json()["id"]
    with gr.Blocks():
        tab = FilmsTab(_runtime(context), settings, gr.State(None))

    listed = await tab.list_films(_as(stranger.id))
    assert listed[tab.table] == []
    assert listed[tab.cards] == ""
    for action in (tab.show, tab.regenerate_film, tab.delete_film):
        answer = await action(film_id, _as(stranger.id))
        assert "No project with this id in your account." in answer[tab.notice], action

    mine = await tab.list_films(_as(owner.id))
    assert [row[0] for row in mine[tab.table]] == ["Mine"]
    assert f'data-film-id="{film_id}"' in mine[tab.cards]
    assert tab.pick_card(gr.EventData(None, {"film": film_id})) == film_id
    assert tab.pick_card(gr.EventData(None, {"film": "not-a-film"})) is None
    assert tab.pick_card(gr.EventData(None, {})) is None
    opened = await tab.show(film_id, _as(owner.id))
    assert "Mine" in opened[tab.heading]
    assert 'role="progressbar"' in opened[tab.progress]


async def test_the_estimate_and_create_use_the_project_rules(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    creator = await register(client)
    with gr.Blocks():
        tab = NewFilmTab(_runtime(context), context.settings)
    request = _as(creator.id)

    fits, bar, button = await tab.refresh_estimate(
        ONE_MINUTE_SCRIPT, "en", "neutral", 1, [], request
    )
    assert "The script fits this length." in fits
    assert "3 credits" in fits
    assert "1 min · 3 credits · balance 3" in bar
    assert button.interactive is True
    over, _, _ = await tab.refresh_estimate(ONE_MINUTE_SCRIPT, "en", "neutral", 2, [], request)
    assert "The Free plan allows films of at most 1 minute; you asked for 2." in over
    assert "less than or equal" not in over
    fractional, _, _ = await tab.refresh_estimate(
        ONE_MINUTE_SCRIPT, "en", "neutral", 1.5, [], request
    )
    assert "fractional" not in fractional and "at most 1 minute" in fractional

    answer = await tab.create_film(
        {}, "", ONE_MINUTE_SCRIPT, [], "neutral", 1, "cinematic", "en", "16:9", "360p", False,
        "none", request,
    )  # fmt: skip
    assert answer[tab.created] is None
    assert answer[tab.title_error] == field_error_html("Give your film a title.")
    assert "String should" not in answer[tab.notice]
    queued = await tab.create_film(
        {"someone-else": {"title": "theirs", "script": "x"}},
        "Fine",
        ONE_MINUTE_SCRIPT,
        [],
        "neutral",
        1,
        "cinematic",
        "en",
        "16:9",
        "360p",
        False,
        "none",
        request,
    )
    assert queued[tab.created] is not None, queued[tab.notice]
    assert "3 credits charged, 0 left" in queued[tab.notice]
    assert list(queued[tab.draft]) == ["someone-else"]  # only this creator's draft is cleared


async def test_a_deleted_account_is_told_to_sign_up_again(context: AppContext) -> None:
    with gr.Blocks():
        tab = FilmsTab(_runtime(context), Settings(_env_file=None), gr.State(None))  # type: ignore[call-arg]
    answer = await tab.list_films(_as(str(uuid.uuid4())))
    assert ACCOUNT_GONE in answer[tab.list_notice]
