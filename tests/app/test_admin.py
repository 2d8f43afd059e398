"""Admin-only listings of users and of the audit log."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from app.context import AppContext
from db.enums import Role
from db.models import User
from tests.support.accounts import register
from tests.support.ledger import assert_every_balance_agrees


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


async def test_admin_grants_and_removes_credits_with_a_reason(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    admin = await register(client, name="Admin")
    creator = await register(client, name="Creator")
    await _make_admin(context, admin.id)
    path = f"/api/admin/users/{creator.id}/credits"

    refused = await client.post(
        path, json={"delta": 5, "reason": "why not"}, headers=creator.headers
    )
    assert refused.status_code == 403
    granted = await client.post(
        path,
        json={"delta": 10, "reason": "  Compensation for   a failed render "},
        headers=admin.headers,
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["credits_balance"] == 13
    assert granted.json()["reason"] == "Compensation for a failed render"
    removed = await client.post(
        path, json={"delta": -4, "reason": "Duplicate grant"}, headers=admin.headers
    )
    assert removed.json()["credits_balance"] == 9
    too_many = await client.post(
        path, json={"delta": -10, "reason": "Too much"}, headers=admin.headers
    )
    assert too_many.status_code == 409
    assert too_many.json()["balance"] == 9
    for bad in ({"delta": 0, "reason": "nothing"}, {"delta": 5}, {"delta": 5, "reason": "  "}):
        answer = await client.post(path, json=bad, headers=admin.headers)
        assert answer.status_code == 422, bad
    missing = await client.post(
        "/api/admin/users/00000000-0000-0000-0000-000000000000/credits",
        json={"delta": 1, "reason": "nobody"},
        headers=admin.headers,
    )
    assert missing.status_code == 404

    ledger = (await client.get("/api/credits/ledger", headers=creator.headers)).json()["entries"]
    assert [(e["reason"], e["delta"]) for e in ledger[:2]] == [
        ("adjustment", -4),
        ("adjustment", 10),
    ]
    assert ledger[1]["note"].endswith(f"(by {admin.user['email']})")
    logs = await client.get(
        f"/api/admin/logs?user_id={creator.id}&action=credits.adjust", headers=admin.headers
    )
    assert len(logs.json()["logs"]) == 2
    await assert_every_balance_agrees(context)
