"""Pricing and queueing a render of the changed scenes: estimate, debit, seed, idempotency."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select, update

from app.context import AppContext
from app.jobs.params import default_seed
from db.enums import ProjectStatus
from db.models import Job, Project
from tests.app.storyboard.support import finish_renders, rendered_project
from tests.app.test_credits import assert_balances_agree
from tests.app.test_projects import _topup, film
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT

TWO_MINUTE_SCRIPT = "\n\n".join(f"{text} {text}" for text in ONE_MINUTE_SCRIPT.split("\n\n"))
NEW_LINE = "A kite rose over the river, red against the morning, and the children ran after it."


async def _jobs(context: AppContext, project_id: str) -> list[Job]:
    async with context.sessions() as session:
        rows = await session.scalars(
            select(Job).where(Job.project_id == uuid.UUID(project_id)).order_by(Job.created_at)
        )
        return list(rows)


async def test_an_edit_costs_its_started_minutes_and_keeps_the_seed(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Pro")
    project_id = await rendered_project(
        client, context, account, duration=2, script=TWO_MINUTE_SCRIPT
    )
    url = f"/api/projects/{project_id}"
    unchanged = (await client.get(f"{url}/render-estimate", headers=account.headers)).json()
    assert unchanged["full_render"] is False and unchanged["changed_scenes"] == []
    assert unchanged["credits"] == 1 and unchanged["seconds"] == 0

    await client.patch(f"{url}/scenes/1", json={"text": NEW_LINE}, headers=account.headers)
    estimate = await client.get(f"{url}/render-estimate", headers=account.headers)
    assert estimate.status_code == 200, estimate.text
    priced = estimate.json()
    assert priced["changed_scenes"] == [1] and priced["full_render"] is False
    assert 5 < priced["seconds"] < 30  # a short scene among four of a 2-minute film
    assert priced["credits"] == 3 and priced["estimated_time_s"] > 0
    assert "1 scene changed" in priced["reason"]

    before = await assert_balances_agree(context, account.id)
    rendered = await client.post(
        f"{url}/render", headers={**account.headers, "Idempotency-Key": "edit-1"}
    )
    assert rendered.status_code == 200, rendered.text
    body = rendered.json()
    assert body["credits_charged"] == 3 and body["credits_balance"] == before - 3
    assert body["changed_scenes"] == [1] and body["status"] == "pending"
    replay = await client.post(
        f"{url}/render", headers={**account.headers, "Idempotency-Key": "edit-1"}
    )
    assert replay.json() == body
    assert await assert_balances_agree(context, account.id) == before - 3

    first, second = await _jobs(context, project_id)
    assert second.params["seed"] == default_seed(first.id) != default_seed(second.id)
    assert second.params["previous_job_id"] == str(first.id)
    assert second.params["changed_scenes"] == [1]
    assert second.params["snapshot"]["script"].split("\n\n")[1] == NEW_LINE
    assert second.credits == 3

    busy = await client.post(f"{url}/render", headers=account.headers)
    assert busy.status_code == 409 and busy.json()["code"] == "render_in_progress"


async def test_a_film_wide_change_or_no_render_prices_as_regenerate(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Pro")
    project_id = await rendered_project(
        client, context, account, duration=2, script=TWO_MINUTE_SCRIPT
    )
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Project).where(Project.id == uuid.UUID(project_id)).values(voice="female")
        )
    estimate = (
        await client.get(f"/api/projects/{project_id}/render-estimate", headers=account.headers)
    ).json()
    assert estimate["full_render"] is True and estimate["credits"] == 6
    assert "voice changed" in estimate["reason"] and estimate["seconds"] == 120
    assert estimate["changed_scenes"] == [0, 1, 2, 3]

    failed = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Project)
            .where(Project.id == uuid.UUID(failed))
            .values(status=ProjectStatus.FAILED)
        )
        await session.execute(
            update(Job).where(Job.project_id == uuid.UUID(failed)).values(status="failed")
        )
    never = (
        await client.get(f"/api/projects/{failed}/render-estimate", headers=account.headers)
    ).json()
    assert never["full_render"] is True and never["credits"] == 3
    assert "not been rendered" in never["reason"]
    queued = await client.post(f"/api/projects/{failed}/render", headers=account.headers)
    assert queued.status_code == 200 and queued.json()["credits_charged"] == 3
    jobs = await _jobs(context, failed)
    assert jobs[-1].params["seed"] is None and jobs[-1].params["previous_job_id"] is None


async def test_too_few_credits_is_402_before_anything_changes(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    project_id = await rendered_project(client, context, account)  # the Free plan's 3 credits
    await client.patch(
        f"/api/projects/{project_id}/scenes/0", json={"text": NEW_LINE}, headers=account.headers
    )
    response = await client.post(f"/api/projects/{project_id}/render", headers=account.headers)
    assert response.status_code == 402, response.text
    assert response.json()["cost"] == 3 and response.json()["balance"] == 0
    assert len(await _jobs(context, project_id)) == 1
    await finish_renders(context, project_id)
    body = (await client.get(f"/api/projects/{project_id}", headers=account.headers)).json()
    assert body["status"] == "complete"
