"""Free text refuses control characters everywhere; a poisoned row cannot break estimates."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import text

from app.context import AppContext
from tests.app.test_admin import _make_admin
from tests.app.test_projects import _topup, film
from tests.support.accounts import PASSWORD, register

NUL = "hello\u0000 world"


async def _project(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await client.post("/api/projects/create", json=film(), headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/ai/audio-generate", "text"),
        ("/api/ai/music-generate", "prompt"),
    ],
)
async def test_nul_in_a_job_text_is_422_and_other_users_keep_working(
    client: httpx.AsyncClient, path: str, field: str
) -> None:
    attacker = await register(client)
    victim = await register(client)
    for account in (attacker, victim):
        await _topup(client, account, "Standard")
    body = {"project_id": await _project(client, attacker.headers), "duration": 30, field: NUL}
    if field == "text":
        body.pop("duration")
    refused = await client.post(path, json=body, headers=attacker.headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "validation_error"
    assert "U+0000" in refused.json()["detail"]
    ok = await client.post(
        "/api/ai/audio-generate",
        json={"project_id": await _project(client, victim.headers), "text": "Hello there."},
        headers=victim.headers,
    )
    assert ok.status_code == 202, ok.text


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "My\u0000Film"},
        {"script": "Once upon\u0000 a time there was a film."},
        {"title": "gpj.\u202eexe"},  # right-to-left override spoofing
        {"title": "Admin\u200bFilm"},  # zero-width space
        {"title": "bell\u0007"},
    ],
)
async def test_control_and_spoofing_characters_in_projects_are_422(
    client: httpx.AsyncClient, changes: dict[str, str]
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/projects/create", json=film(**changes), headers=account.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"


async def test_scripts_keep_line_breaks_and_indic_joiners(client: httpx.AsyncClient) -> None:
    account = await register(client)
    script = film()["script"].replace(". ", ".\n", 3)
    ok = await client.post(
        "/api/projects/create",
        json=film(script=script, title="क्\u200dष film"),
        headers=account.headers,
    )
    assert ok.status_code == 201, ok.text


async def test_nul_in_a_name_or_admin_filter_is_422(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    bad = await client.post(
        "/api/users/register",
        json={"name": "Eve\u0000", "email": "eve@example.com", "password": PASSWORD},
    )
    assert bad.status_code == 422
    admin = await register(client)
    await _make_admin(context, admin.id)
    logs = await client.get("/api/admin/logs", params={"action": "a\u0000b"}, headers=admin.headers)
    assert logs.status_code == 422


async def test_a_poisoned_job_row_cannot_break_anyones_estimate(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    """A row stored before the fix (NUL inside a json column) leaves estimates working."""
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = await _project(client, account.headers)
    async with context.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO jobs (id, kind, status, user_id, project_id, credits, progress, "
                "stage, attempts, params, result, output_minutes, started_at, finished_at, "
                "created_at, updated_at) VALUES (:id, 'audio', 'complete', :user, :project, 3, "
                "100, 'done', 1, CAST(:params AS json), '{}', 0.5, now() - interval '3 seconds', "
                "now(), now(), now())"
            ),
            {
                "id": uuid.uuid4(),
                "user": account.id,
                "project": project_id,
                "params": '{"text": "hello\\u0000 world", "output_minutes": 0.5}',
            },
        )
    for _ in range(2):
        queued = await client.post(
            "/api/ai/audio-generate",
            json={"project_id": project_id, "text": "A short narration."},
            headers=account.headers,
        )
        assert queued.status_code == 202, queued.text
        assert queued.json()["estimated_seconds"] > 0


@pytest.mark.parametrize("script", ["😀😀😀", "\u200c\u200c", "!!! ??? ...", "%%%"])
async def test_scripts_with_nothing_to_say_are_4xx_in_the_error_shape(
    client: httpx.AsyncClient, script: str
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/projects/create", json=film(script=script), headers=account.headers
    )
    assert 400 <= response.status_code < 500, response.text
    assert {"detail", "code"} <= set(response.json())


async def test_duration_true_is_not_one_minute(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/projects/create", json=film(duration=True), headers=account.headers
    )
    assert response.status_code == 422


@pytest.mark.parametrize("page", [2**31, 2**63, 10**30])
async def test_huge_page_numbers_are_422(client: httpx.AsyncClient, page: int) -> None:
    account = await register(client)
    response = await client.get(f"/api/projects?page={page}", headers=account.headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
