"""The quality gate on a film a real worker rendered and signed: every check passes; a film
whose bytes changed is refused with 409 and the failed check (API and studio); a revoked
likeness consent fails the consent check."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import gradio as gr
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.config import Settings
from app.context import AppContext
from app.main import create_app
from app.ui.runtime import StudioRuntime
from app.ui.tabs.films import FilmsTab
from app.youtube.gateway import google_http
from db.enums import Role
from db.models import Project, User
from tests.app.consent.test_consent import face_png
from tests.app.test_projects import film
from tests.app.youtube.studio_support import (
    CHANNEL_ID,
    ScriptedGoogle,
    connect_channel,
    google_settings,
)
from tests.conftest import KEPT_TABLES
from tests.support.accounts import register
from tests.support.jobs import running_worker, wait_for_project
from tests.support.media import image_bytes

CHECKS = ["duration", "loudness", "true_peak", "subtitles", "provenance", "consent"]


@pytest.fixture(scope="module")
def gate_settings(settings: Settings) -> Settings:
    return google_settings(settings).model_copy(update={"publish_quality_gate": True})


@pytest.fixture(scope="module")
async def gate_app(gate_settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(gate_settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def google(gate_app: FastAPI) -> Iterator[ScriptedGoogle]:
    scripted = ScriptedGoogle()
    gate_app.dependency_overrides[google_http] = lambda: scripted.gateway
    yield scripted
    gate_app.dependency_overrides.pop(google_http, None)


@pytest.fixture
async def studio(gate_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    from sqlalchemy import text

    context: AppContext = gate_app.state.context
    async with context.engine.begin() as connection:
        tables = (
            await connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        ).scalars()
        names = ", ".join(f'"{name}"' for name in tables if name not in KEPT_TABLES)
        await connection.execute(text(f"TRUNCATE {names} CASCADE"))
    await context.limiter.reset()
    transport = httpx.ASGITransport(app=gate_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


async def test_the_gate_on_a_rendered_film(
    studio: httpx.AsyncClient,
    gate_app: FastAPI,
    gate_settings: Settings,
    google: ScriptedGoogle,
    tmp_path: Path,
) -> None:
    context: AppContext = gate_app.state.context
    account = await register(studio)
    await connect_channel(studio, account, google)
    uploaded = await studio.post(
        "/api/uploads/images",
        files=[
            ("files", ("river.png", image_bytes(seed=1), "image/png")),
            ("files", ("Asha.png", face_png(), "image/png")),
        ],
        data={"consent": "true"},
        headers=account.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    images = uploaded.json()["images"]
    created = await studio.post(
        "/api/projects/create",
        json=film(images=[image["ref"] for image in images], resolution="360p"),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    async with running_worker(gate_settings, context.database_url):
        project, _ = await wait_for_project(studio, account.headers, project_id)
    assert project["status"] == "complete", project

    quality = await studio.get(f"/api/projects/{project_id}/quality", headers=account.headers)
    assert quality.status_code == 200, quality.text
    body = quality.json()
    assert [check["name"] for check in body["checks"]] == CHECKS
    assert body["publishable"] is True and body["failed"] == [], body
    assert "1 face image(s)" in body["checks"][-1]["reason"]

    # The stored film's bytes change after signing: its Content Credentials no longer validate.
    async with context.sessions() as session:
        key = await session.scalar(select(Project.video_key).where(Project.id == project_id))
    assert key is not None
    context.storage.download(key, tmp_path / "signed.mp4")
    signed = (tmp_path / "signed.mp4").read_bytes()
    tampered = bytearray(signed)
    tampered[tampered.find(b"mdat") + 5000] ^= 0xFF
    context.storage.put_bytes(key, bytes(tampered), "video/mp4")

    refused = await studio.post(
        "/api/youtube/upload",
        json={"project_id": project_id, "channel_id": CHANNEL_ID},
        headers=account.headers,
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "quality_gate_failed"
    assert [check["name"] for check in refused.json()["failed"]] == ["provenance"]
    assert "bmffHash.mismatch" in refused.json()["failed"][0]["reason"]

    with gr.Blocks():
        tab = FilmsTab(StudioRuntime(lambda: context), gate_settings, gr.State())
    notice = await tab.publish_film(project_id, gr.Request(username=account.id))
    assert "1 check(s) failed" in notice
    assert "<li><strong>provenance</strong>: The film&#x27;s Content Credentials" in notice

    context.storage.put_bytes(key, signed, "video/mp4")
    queued = await studio.post(
        "/api/youtube/upload",
        json={"project_id": project_id, "channel_id": CHANNEL_ID},
        headers=account.headers,
    )
    assert queued.status_code == 202, queued.text

    admin = await register(studio, "Admin")
    async with context.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == admin.id).values(role=Role.ADMIN))
    asha = images[1]
    revoked = await studio.post(
        f"/api/admin/consents/{asha['consent_id']}/revoke", json={}, headers=admin.headers
    )
    assert revoked.status_code == 200, revoked.text
    after = (
        await studio.get(f"/api/projects/{project_id}/quality", headers=account.headers)
    ).json()
    assert [check["name"] for check in after["failed"]] == ["consent"]
    assert "revoked" in after["failed"][0]["reason"]
