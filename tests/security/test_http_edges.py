"""Bodies are limited before they are read; every answer carries the security headers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from app.config import Environment, Settings
from app.context import AppContext
from app.main import create_app
from app.storage_keys import film_keys
from db.enums import JobStatus
from db.models import Job
from tests.app.test_projects import film
from tests.support.accounts import register

MIB = 1024 * 1024


async def test_an_oversized_json_body_is_413_by_content_length(client: httpx.AsyncClient) -> None:
    body = b'{"email": "a@example.com", "password": "' + b"x" * (2 * MIB) + b'"}'
    response = await client.post(
        "/api/users/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_a_streamed_body_is_cut_off_at_the_limit(client: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"email": "a@example.com", "password": "'
        for _ in range(64):  # bounded: at most 4 MiB, the limit is 1 MiB
            sent += 64 * 1024
            yield b"x" * (64 * 1024)
        yield b'"}'

    response = await client.post(
        "/api/users/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_an_upload_without_a_valid_token_is_401_before_its_body_is_read(
    client: httpx.AsyncClient,
) -> None:
    read = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal read
        for _ in range(16):
            read += 1
            yield b"x" * (64 * 1024)

    response = await client.post(
        "/api/uploads/images",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=zzz", "Authorization": "Bearer x"},
    )
    assert response.status_code == 401
    assert read <= 1


async def test_an_image_upload_over_the_request_limit_is_413(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.post(
        "/api/uploads/images",
        content=b"x",
        headers={
            **account.headers,
            "Content-Type": "multipart/form-data; boundary=zzz",
            "Content-Length": str(30 * MIB),
        },
    )
    assert response.status_code == 413


async def test_security_headers_and_no_store_on_signed_in_json(client: httpx.AsyncClient) -> None:
    account = await register(client)
    profile = await client.get("/api/users/profile", headers=account.headers)
    for response in (profile, await client.get("/healthz"), await client.get("/studio/login")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # only in production
    assert profile.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("environment", [Environment.PRODUCTION])
async def test_production_adds_hsts_and_hides_metrics_without_the_token(
    settings: Settings, environment: Environment
) -> None:
    production = settings.model_copy(
        update={"environment": environment, "metrics_token": "metrics-token-1234"}
    )
    app = create_app(production)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            health = await http.get("/healthz")
            assert health.headers["Strict-Transport-Security"].startswith("max-age=")
            assert (await http.get("/metrics")).status_code == 404
            wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 404
            right = await http.get(
                "/metrics", headers={"Authorization": "Bearer metrics-token-1234"}
            )
            assert right.status_code == 200 and "http_requests_total" in right.text


async def test_download_links_use_the_requests_own_address(
    app: FastAPI, client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    created = await client.post("/api/projects/create", json=film(), headers=account.headers)
    job_id = created.json()["job_id"]
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Job)
            .where(Job.id == uuid.UUID(job_id))
            .values(status=JobStatus.COMPLETE, result={})
        )
    film_key = film_keys(uuid.UUID(created.json()["id"]), uuid.UUID(job_id)).video
    transport = httpx.ASGITransport(app=app)
    for base in ("http://127.0.0.1:9000", "https://studio.example"):
        async with httpx.AsyncClient(transport=transport, base_url=base) as http:
            job = await http.get(f"/api/ai/jobs/{job_id}", headers=account.headers)
        assert job.json()["output_url"].startswith(f"{base}/api/files/{film_key}?")
