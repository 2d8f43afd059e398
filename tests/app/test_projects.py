"""Project service: create, read, list, regenerate, delete; plan limits, credits, ownership."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from app.context import AppContext
from db.enums import JobStatus, ProjectStatus
from db.models import Job, LogEntry, Project
from tests.app.test_credits import assert_balances_agree
from tests.support.accounts import Account, register
from tests.support.media import ONE_MINUTE_SCRIPT, image_bytes


def film(**changes: Any) -> dict[str, Any]:
    """A valid 1-minute project request."""
    body: dict[str, Any] = {
        "title": "My First Film",
        "script": ONE_MINUTE_SCRIPT,
        "images": [],
        "voice": "male",
        "duration": 1,
        "music": "cinematic",
    }
    body.update(changes)
    return body


async def _upload(client: httpx.AsyncClient, account: Account, *names: str) -> list[str]:
    files = [("files", (name, image_bytes(seed=i), "image/png")) for i, name in enumerate(names)]
    response = await client.post("/api/uploads/images", files=files, headers=account.headers)
    assert response.status_code == 201, response.text
    return [image["ref"] for image in response.json()["images"]]


async def _topup(client: httpx.AsyncClient, account: Account, plan: str) -> None:
    response = await client.post(
        "/api/credits/topup", json={"plan_type": plan}, headers=account.headers
    )
    assert response.status_code == 200


async def test_create_answers_the_seed_contract_and_debits(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    refs = await _upload(client, account, "Asha.png", "river.png")
    response = await client.post(
        "/api/projects/create", json=film(images=refs), headers=account.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"id", "user_id", "title", "status", "created_at"}
    assert body["user_id"] == account.id
    assert body["title"] == "My First Film"
    assert body["status"] == "pending"
    assert body["credits_charged"] == 3
    assert body["credits_balance"] == 0
    assert await assert_balances_agree(context, account.id) == 0

    detail = await client.get(f"/api/projects/{body['id']}", headers=account.headers)
    assert detail.status_code == 200
    project = detail.json()
    assert set(project) >= {"id", "title", "status", "video_url", "subtitles_url"}
    assert project["status"] == "pending"
    assert project["video_url"] is None
    assert project["images"] == refs
    assert project["job_status"] == "queued"
    assert project["captions"] == "none"  # the default: nothing burned in
    async with context.sessions() as session:
        jobs = (await session.scalars(select(Job))).all()
        actions = (
            await session.scalars(select(LogEntry.action).where(LogEntry.project_id == body["id"]))
        ).all()
    assert [(job.kind, job.credits, job.status) for job in jobs] == [("render", 3, "queued")]
    assert {"project.create", "job.queued"} <= set(actions)


async def test_twenty_concurrent_creates_with_credits_for_one(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    responses = await asyncio.gather(
        *(
            client.post(
                "/api/projects/create", json=film(title=f"Film {index}"), headers=account.headers
            )
            for index in range(20)
        )
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [402] * 19
    refused = next(response for response in responses if response.status_code == 402).json()
    assert refused["balance"] == 0
    assert refused["cost"] == 3
    assert await assert_balances_agree(context, account.id) == 0
    async with context.sessions() as session:
        assert len((await session.scalars(select(Project))).all()) == 1
        assert len((await session.scalars(select(Job))).all()) == 1


async def test_plan_limit_is_422_naming_the_limit(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/projects/create", json=film(duration=2), headers=account.headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "plan_limit"
    assert body["max_video_length"] == 1
    assert "at most 1 minute" in body["detail"]
    assert await assert_balances_agree(context, account.id) == 3


async def test_too_few_credits_is_402_with_balance_and_cost(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")  # 33 credits, films up to 10 minutes
    long_script = " ".join([ONE_MINUTE_SCRIPT] * 14)
    response = await client.post(
        "/api/projects/create", json=film(duration=10, script=long_script), headers=account.headers
    )
    assert response.status_code == 201, response.text
    again = await client.post(
        "/api/projects/create", json=film(duration=10, script=long_script), headers=account.headers
    )
    assert again.status_code == 402
    assert again.json()["balance"] == 3
    assert again.json()["cost"] == 30
    assert "top up" in again.json()["detail"]
    assert await assert_balances_agree(context, account.id) == 3


async def test_script_that_cannot_fit_is_422_with_numbers_before_any_debit(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    too_long = await client.post(
        "/api/projects/create",
        json=film(script=" ".join([ONE_MINUTE_SCRIPT] * 4)),
        headers=account.headers,
    )
    assert too_long.status_code == 422
    body = too_long.json()
    assert body["code"] == "script_length"
    assert body["narration_seconds"] > 60
    assert body["requested_seconds"] == 60
    too_short = await client.post(
        "/api/projects/create", json=film(script="Hello there."), headers=account.headers
    )
    assert too_short.status_code == 422
    assert too_short.json()["code"] == "script_length"
    assert await assert_balances_agree(context, account.id) == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"script": "   \n  "}, "script"),
        ({"script": "x" * 100_001}, "script"),
        ({"voice": "robot"}, "voice"),
        ({"duration": 0}, "duration"),
        ({"duration": 41}, "duration"),
        ({"duration": "two"}, "duration"),
        ({"language": "xx"}, "language"),
        ({"aspect": "4:3"}, "aspect"),
        ({"captions": "giant"}, "captions"),
        ({"images": ["image1.jpg"]}, "images"),
        ({"images": ["x"] * 21}, "images"),
    ],
)
async def test_bad_project_input_is_422_and_changes_nothing(
    client: httpx.AsyncClient, context: AppContext, change: dict[str, Any], field: str
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/projects/create", json=film(**change), headers=account.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert await assert_balances_agree(context, account.id) == 3


async def test_unknown_music_and_someone_elses_image_are_422(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    owner = await register(client)
    other = await register(client)
    refs = await _upload(client, owner, "Asha.png")
    stolen = await client.post(
        "/api/projects/create", json=film(images=refs), headers=other.headers
    )
    assert stolen.status_code == 422
    assert stolen.json()["code"] == "unknown_upload"
    music = await client.post(
        "/api/projects/create", json=film(music="polka"), headers=other.headers
    )
    assert music.status_code == 422
    assert "catalogue" in music.json()["detail"]
    assert await assert_balances_agree(context, other.id) == 3


async def test_another_users_project_is_404(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    intruder = await register(client)
    created = await client.post("/api/projects/create", json=film(), headers=owner.headers)
    project_id = created.json()["id"]
    for method, path in [
        ("GET", f"/api/projects/{project_id}"),
        ("POST", f"/api/projects/{project_id}/regenerate"),
        ("DELETE", f"/api/projects/{project_id}"),
    ]:
        response = await client.request(method, path, headers=intruder.headers)
        assert response.status_code == 404, (method, path)
    assert (await client.get("/api/projects/not-a-uuid", headers=owner.headers)).status_code == 422


async def test_regenerate_rules(client: httpx.AsyncClient, context: AppContext) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    busy = await client.post(f"/api/projects/{project_id}/regenerate", headers=account.headers)
    assert busy.status_code == 409
    assert "pending" in busy.json()["detail"]

    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Project).where(Project.id == project_id).values(status=ProjectStatus.COMPLETE)
        )
        await session.execute(update(Job).values(status=JobStatus.COMPLETE))
    again = await client.post(f"/api/projects/{project_id}/regenerate", headers=account.headers)
    assert again.status_code == 200
    assert again.json()["status"] == "pending"
    assert again.json()["credits_charged"] == 3
    assert await assert_balances_agree(context, account.id) == 33 - 6


async def test_list_and_delete(client: httpx.AsyncClient, context: AppContext) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    ids = []
    for index in range(3):
        response = await client.post(
            "/api/projects/create", json=film(title=f"Film {index}"), headers=account.headers
        )
        ids.append(response.json()["id"])
    page = await client.get("/api/projects?per_page=2", headers=account.headers)
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 3
    assert [p["title"] for p in body["projects"]] == ["Film 2", "Film 1"]

    deleted = await client.delete(f"/api/projects/{ids[0]}", headers=account.headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/api/projects/{ids[0]}", headers=account.headers)).status_code == 404
    # the queued render was cancelled and refunded exactly once
    assert await assert_balances_agree(context, account.id) == 33 - 9 + 3
    async with context.sessions() as session:
        actions = (await session.scalars(select(LogEntry.action))).all()
    assert "project.delete" in actions
    assert "credits.refund" in actions


async def test_music_catalogue_lists_styles(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/music/catalogue")
    assert response.status_code == 200
    ids = [choice["id"] for choice in response.json()]
    assert {"cinematic", "ambient", "upbeat", "devotional", "sloka", "none"} <= set(ids)


async def test_shorts_captions_are_kept_with_the_project(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    body = film(aspect="9:16", captions="shorts")
    response = await client.post("/api/projects/create", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    project_id = response.json()["id"]
    detail = (await client.get(f"/api/projects/{project_id}", headers=account.headers)).json()
    assert (detail["captions"], detail["aspect"]) == ("shorts", "9:16")
    async with context.sessions() as session:
        stored = await session.get(Project, project_id)
        assert stored is not None and stored.captions == "shorts"
