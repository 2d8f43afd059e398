"""Likeness consent: required for face images, recorded, listed and revoked by admins."""

from __future__ import annotations

import hashlib
import io

import httpx
from PIL import Image
from sqlalchemy import func, select

from app.consent.statement import STATEMENT, STATEMENT_VERSION
from app.context import AppContext
from db.models import LikenessConsent, LogEntry, Project, Upload
from pipeline.testing.faces import draw_face
from tests.app.test_admin import _make_admin
from tests.app.test_projects import film
from tests.support.accounts import Account, register
from tests.support.media import image_bytes


def face_png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(draw_face(640, 360, cx=320, cy=170, size=90)).save(buffer, "PNG")
    return buffer.getvalue()


async def _count(context: AppContext, model: type[Upload] | type[LikenessConsent]) -> int:
    async with context.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _upload(
    client: httpx.AsyncClient, account: Account, consent: str | None
) -> httpx.Response:
    return await client.post(
        "/api/uploads/images",
        files=[
            ("files", ("river.png", image_bytes(seed=1), "image/png")),
            ("files", ("Asha.png", face_png(), "image/png")),
        ],
        data={"consent": consent} if consent is not None else {},
        headers=account.headers,
    )


async def test_face_image_without_consent_is_422_and_nothing_is_stored(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    for consent in (None, "false"):
        answer = await _upload(client, account, consent)
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["code"] == "consent_required"
        assert body["filename"] == "Asha.png"
        assert body["statement"] == STATEMENT and body["statement_version"] == STATEMENT_VERSION
        assert "Asha.png shows a face" in body["detail"]
    assert await _count(context, Upload) == 0
    assert await _count(context, LikenessConsent) == 0
    assert context.storage.delete_prefix(f"users/{account.id}/") == 0


async def test_consent_is_recorded_listed_and_revoking_blocks_new_renders(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    answer = await _upload(client, account, "true")
    assert answer.status_code == 201, answer.text
    river, asha = answer.json()["images"]
    assert river["face_detected"] is False and river["consent_id"] is None
    assert asha["face_detected"] is True and asha["consent_id"] is not None

    async with context.sessions() as session:
        row = await session.scalar(select(LikenessConsent))
        assert row is not None
        assert str(row.user_id) == account.id and str(row.upload_id) == asha["id"]
        assert row.statement_version == STATEMENT_VERSION
        assert row.image_sha256 == hashlib.sha256(face_png()).hexdigest()
        assert row.client_address == "127.0.0.1"
        assert row.created_at is not None and row.revoked_at is None
        given = await session.scalar(select(LogEntry).where(LogEntry.action == "consent.given"))
        assert given is not None

    refused = await client.get("/api/admin/consents", headers=account.headers)
    assert refused.status_code == 403
    admin = await register(client, "Admin")
    await _make_admin(context, admin.id)
    listed = await client.get("/api/admin/consents", headers=admin.headers)
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 1
    entry = listed.json()["consents"][0]
    assert entry["id"] == asha["consent_id"] and entry["image_ref"] == asha["ref"]
    assert entry["statement"] == STATEMENT and entry["revoked"] is False

    created = await client.post(
        "/api/projects/create",
        json=film(images=[river["ref"], asha["ref"]], resolution="360p"),
        headers=account.headers,
    )
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]

    revoked = await client.post(
        f"/api/admin/consents/{asha['consent_id']}/revoke",
        json={"reason": "The person in the photo asked us to."},
        headers=admin.headers,
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["marked_projects"] == [project_id]
    assert revoked.json()["consent"]["revoked"] is True
    again = await client.post(
        f"/api/admin/consents/{asha['consent_id']}/revoke", json={}, headers=admin.headers
    )
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"

    project = (await client.get(f"/api/projects/{project_id}", headers=account.headers)).json()
    assert project["likeness_revoked"] is True
    standing = await client.get("/api/admin/consents?revoked=false", headers=admin.headers)
    assert standing.json()["total"] == 0

    blocked = await client.post(
        "/api/projects/create",
        json=film(images=[asha["ref"]], resolution="360p"),
        headers=account.headers,
    )
    assert blocked.status_code == 409, blocked.text
    assert blocked.json()["code"] == "likeness_revoked"
    assert "Consent to use the likeness in Asha.png was revoked" in blocked.json()["detail"]
    assert blocked.json()["images"] == ["Asha.png"]
    async with context.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Project))
    assert count == 1  # nothing made, nothing debited for the refused one


async def test_revoking_refuses_a_render_already_queued(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    from app.config import Settings
    from tests.support.jobs import running_worker, wait_for_project

    account = await register(client)
    asha = (await _upload(client, account, "true")).json()["images"][1]
    created = await client.post(
        "/api/projects/create",
        json=film(images=[asha["ref"]], resolution="360p"),
        headers=account.headers,
    )
    project_id = created.json()["id"]
    admin = await register(client, "Admin")
    await _make_admin(context, admin.id)
    await client.post(
        f"/api/admin/consents/{asha['consent_id']}/revoke", json={}, headers=admin.headers
    )
    settings: Settings = context.settings
    async with running_worker(settings, context.database_url):
        project, _ = await wait_for_project(client, account.headers, project_id)
    assert project["status"] == "failed"
    assert "Consent to use the likeness in Asha.png was revoked" in project["error"]
