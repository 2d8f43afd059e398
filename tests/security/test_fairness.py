"""One account cannot fill the queue; every job says where it stands in it; no server paths."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import update

from app.context import AppContext
from app.jobs.limits import MAX_ACTIVE_JOBS
from app.server_paths import scrub_paths
from db.enums import PlanType
from db.models import Job
from tests.app.test_projects import _topup, film
from tests.support.accounts import register


async def test_active_jobs_are_capped_per_plan_and_show_their_queue_position(
    client: httpx.AsyncClient,
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")
    project_id = (
        await client.post("/api/projects/create", json=film(), headers=account.headers)
    ).json()["id"]
    limit = MAX_ACTIVE_JOBS[PlanType.STANDARD]
    queued = []
    for index in range(limit - 1):  # the project's render is already one
        response = await client.post(
            "/api/ai/audio-generate",
            json={"project_id": project_id, "text": f"Line number {index}."},
            headers=account.headers,
        )
        assert response.status_code == 202, response.text
        queued.append(response.json())
    assert [job["queue_position"] for job in queued] == list(range(1, limit))
    before = (await client.get("/api/credits/balance", headers=account.headers)).json()
    refused = await client.post(
        "/api/ai/audio-generate",
        json={"project_id": project_id, "text": "One too many."},
        headers=account.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_active_jobs"
    assert refused.json()["limit"] == limit
    after = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert after["balance"] == before["balance"]  # refused before any credit is spent
    job = await client.get(f"/api/ai/jobs/{queued[-1]['job_id']}", headers=account.headers)
    assert job.json()["queue_position"] == limit - 1
    other = await register(client)
    await _topup(client, other, "Standard")
    created = await client.post("/api/projects/create", json=film(), headers=other.headers)
    assert created.status_code == 201  # another user is not held up by the first one's cap
    cancelled = await client.post(
        f"/api/ai/jobs/{queued[0]['job_id']}/cancel", headers=account.headers
    )
    assert cancelled.status_code == 200
    again = await client.post(
        "/api/ai/audio-generate",
        json={"project_id": project_id, "text": "Room again."},
        headers=account.headers,
    )
    assert again.status_code == 202


async def test_job_results_never_show_server_paths(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    created = await client.post("/api/projects/create", json=film(), headers=account.headers)
    job_id = created.json()["job_id"]
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Job)
            .where(Job.id == uuid.UUID(job_id))
            .values(
                result={"warnings": ["No Wav2Lip weights in /srv/data/models/wav2lip-gan-96"]},
                error="Could not read /srv/data/work/abc/film.mp4",
            )
        )
    body = (await client.get(f"/api/ai/jobs/{job_id}", headers=account.headers)).json()
    assert "/srv/data" not in str(body)
    assert "wav2lip-gan-96" in body["result"]["warnings"][0]
    assert scrub_paths("see https://example.com/a/b") == "see https://example.com/a/b"
