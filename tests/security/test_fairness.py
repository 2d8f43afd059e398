"""One account cannot fill the queue; every job says where it stands in it; no server paths."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text, update

from app.context import AppContext
from app.jobs.limits import MAX_ACTIVE_JOBS
from app.jobs.queueing import RENDER_QUEUE
from app.projects.schemas import ProjectResponse
from app.server_paths import scrub_paths
from app.ui.film_view import film_view
from db.enums import PlanType
from db.models import Job
from tests.app.test_projects import _topup, film
from tests.support.accounts import Account, register


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


_CLAIM = text(
    "SELECT args->>'job_id' FROM procrastinate_fetch_job_v2(ARRAY[CAST(:queue AS varchar)], NULL)"
)
"""What a worker runs to take its next job."""


async def test_one_users_burst_does_not_queue_another_users_film_behind_it(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    busy = await register(client)
    await _topup(client, busy, "Enterprise")
    burst = []
    for _ in range(10):
        created = await client.post("/api/projects/create", json=film(), headers=busy.headers)
        assert created.status_code == 201, created.text
        burst.append(created.json()["job_id"])
    patient = await register(client)
    await _topup(client, patient, "Standard")
    single = await client.post("/api/projects/create", json=film(), headers=patient.headers)
    assert single.status_code == 201, single.text
    single_id = single.json()["job_id"]

    async def position(account_headers: dict[str, str], job_id: str) -> int | None:
        response = await client.get(f"/api/ai/jobs/{job_id}", headers=account_headers)
        value: int | None = response.json()["queue_position"]
        return value

    assert await position(patient.headers, single_id) == 1  # behind the burst's first only
    assert await position(busy.headers, burst[0]) == 0
    assert await position(busy.headers, burst[1]) == 2
    claimed = []
    async with context.sessions() as session, session.begin():
        for _ in range(3):
            claimed.append(await session.scalar(_CLAIM, {"queue": RENDER_QUEUE}))
    assert claimed == [burst[0], single_id, burst[1]]


async def test_users_take_turns_on_the_queue(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    busy = await register(client)
    await _topup(client, busy, "Standard")
    created = await client.post("/api/projects/create", json=film(), headers=busy.headers)
    project_id = created.json()["id"]
    busy_jobs = [created.json()["job_id"]]
    for index in range(3):
        response = await client.post(
            "/api/ai/audio-generate",
            json={"project_id": project_id, "text": f"Line number {index}."},
            headers=busy.headers,
        )
        assert response.status_code == 202, response.text
        busy_jobs.append(response.json()["job_id"])
    other = await register(client)
    other_created = (
        await client.post("/api/projects/create", json=film(), headers=other.headers)
    ).json()
    other_job = other_created["job_id"]

    async def position(account: Account, job_id: str) -> int:
        job = await client.get(f"/api/ai/jobs/{job_id}", headers=account.headers)
        return int(job.json()["queue_position"])

    first = await position(busy, busy_jobs[0])
    assert await position(other, other_job) == first + 1  # behind one job, not all four
    assert [await position(busy, job) for job in busy_jobs[1:]] == [first + 2, first + 3, first + 4]
    shown = await client.get(f"/api/projects/{other_created['id']}", headers=other.headers)
    assert shown.json()["queue_position"] == first + 1
    studio = film_view(ProjectResponse.model_validate(shown.json())).progress
    assert f"Waiting for a renderer ({first + 1} ahead)" in studio

    # The workers' own fetch takes them in that order.
    ours = {uuid.UUID(job): job for job in [*busy_jobs, other_job]}
    fetched: list[str] = []
    async with context.sessions() as session, session.begin():
        worker = await session.scalar(text("SELECT procrastinate_register_worker_v1()"))
        while len(fetched) < len(ours):
            row = (
                await session.execute(
                    text("SELECT id, args FROM procrastinate_fetch_job_v2(ARRAY['renders'], :w)"),
                    {"w": worker},
                )
            ).one()
            assert row.id is not None, "the queue ran dry before all our jobs were fetched"
            job_id = uuid.UUID(row.args["job_id"])
            if job_id in ours:
                fetched.append(ours[job_id])
            await session.execute(
                text("SELECT procrastinate_finish_job_v1(:id, 'succeeded', false)"), {"id": row.id}
            )
    assert fetched == [busy_jobs[0], other_job, *busy_jobs[1:]]
