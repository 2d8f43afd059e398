"""Admin-only listings of users and of the audit log."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from app.context import AppContext
from db.enums import Role
from db.models import User
from tests.support.accounts import register


async def _make_admin(context: AppContext, user_id: str) -> None:
    async with context.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == user_id).values(role=Role.ADMIN))


async def test_admin_lists_users_and_logs_others_get_403(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    admin = await register(client, name="Admin")
    creator = await register(client, name="Creator")
    await _make_admin(context, admin.id)

    assert (await client.get("/api/admin/users", headers=creator.headers)).status_code == 403
    assert (await client.get("/api/admin/logs", headers=creator.headers)).status_code == 403
    assert (await client.get("/api/admin/users")).status_code == 401

    users = await client.get("/api/admin/users?per_page=1&page=2", headers=admin.headers)
    assert users.status_code == 200
    body = users.json()
    assert body["total"] == 2
    assert body["page"] == 2
    assert len(body["users"]) == 1
    assert "password_hash" not in users.text

    logs = await client.get(f"/api/admin/logs?user_id={creator.id}", headers=admin.headers)
    assert logs.status_code == 200
    actions = [row["action"] for row in logs.json()["logs"]]
    assert actions == ["user.login", "user.register"]
    bad_page = await client.get("/api/admin/logs?per_page=1000", headers=admin.headers)
    assert bad_page.status_code == 422
