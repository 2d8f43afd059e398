"""Emailed links (confirmation, password reset): expired, tampered, reused or swapped links
fail; a reset ends every session; asking for a reset tells nothing about the email."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from app.context import AppContext
from app.users.account_tokens import Purpose, issue
from db.models import OutboxEmail, User
from tests.app.test_admin import _make_admin
from tests.conftest import TEST_SECRET
from tests.support.accounts import PASSWORD, register
from tests.support.ledger import assert_every_balance_agrees
from tests.support.mail import link_token

NEW_PASSWORD = "Fresh-Harbour-4417"


async def _user(context: AppContext, email: str) -> User:
    async with context.sessions() as session:
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


async def _reset_token(client: httpx.AsyncClient, context: AppContext, email: str) -> str:
    asked = await client.post("/api/users/password-reset", json={"email": email})
    assert asked.status_code == 202, asked.text
    async with context.sessions() as session:
        mail = await session.scalar(
            select(OutboxEmail)
            .where(OutboxEmail.recipient == email, OutboxEmail.kind == "password_reset")
            .order_by(OutboxEmail.created_at.desc())
            .limit(1)
        )
    assert mail is not None
    return link_token(mail.body)


async def test_asking_for_a_reset_answers_alike_for_any_email(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    email = account.user["email"]
    known = await client.post("/api/users/password-reset", json={"email": email})
    unknown = await client.post(
        "/api/users/password-reset", json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    async with context.sessions() as session:
        kinds = list(await session.scalars(select(OutboxEmail.kind)))
    assert kinds == ["password_reset"]


async def test_a_reset_sets_the_password_ends_sessions_and_is_spent(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    email = account.user["email"]
    token = await _reset_token(client, context, email)
    path = "/api/users/password-reset/confirm"

    weak = await client.post(path, json={"token": token, "new_password": "password1"})
    assert weak.status_code == 422
    done = await client.post(path, json={"token": token, "new_password": NEW_PASSWORD})
    assert done.status_code == 204, done.text
    assert (await client.get("/api/users/profile", headers=account.headers)).status_code == 401
    old = await client.post("/api/users/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/api/users/login", json={"email": email, "password": NEW_PASSWORD})
    assert new.status_code == 200

    again = await client.post(path, json={"token": token, "new_password": "Other-Harbour-5528"})
    assert again.status_code == 400 and again.json()["code"] == "bad_link"


async def test_expired_tampered_and_swapped_links_fail(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    user = await _user(context, account.user["email"])
    path = "/api/users/password-reset/confirm"
    long_ago = datetime.now(UTC) - timedelta(days=3)
    expired = issue(user, Purpose.RESET, TEST_SECRET, now=long_ago)
    forged = issue(user, Purpose.RESET, "another-secret-that-is-long-enough-for-hs256")
    good = issue(user, Purpose.RESET, TEST_SECRET)
    head, payload, signature = good.split(".")
    tampered = f"{head}.{payload}.{signature[::-1]}"
    confirm_kind = issue(user, Purpose.CONFIRM, TEST_SECRET)
    for token in (expired, forged, tampered, confirm_kind, "not-a-token", account.token):
        answer = await client.post(path, json={"token": token, "new_password": NEW_PASSWORD})
        assert answer.status_code == 400, (token, answer.text)
        assert answer.json()["code"] == "bad_link"
        confirm = await client.post("/api/users/confirm", json={"token": token})
        assert confirm.status_code == 400
    # a reset token cannot sign anyone in either
    profile = await client.get("/api/users/profile", headers={"Authorization": f"Bearer {good}"})
    assert profile.status_code == 401


async def test_an_expired_confirmation_link_fails(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    email = f"late-{uuid.uuid4().hex[:8]}@example.com"
    registered = await confirming.post(
        "/api/users/register", json={"name": "Late", "email": email, "password": PASSWORD}
    )
    assert registered.status_code == 201
    user = await _user(context, email)
    old = issue(user, Purpose.CONFIRM, TEST_SECRET, now=datetime.now(UTC) - timedelta(days=3))
    answer = await confirming.post("/api/users/confirm", json={"token": old})
    assert answer.status_code == 400
    assert (await _user(context, email)).pending_since is not None


async def test_a_reset_confirms_a_pending_account(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    email = f"pending-{uuid.uuid4().hex[:8]}@example.com"
    await confirming.post(
        "/api/users/register", json={"name": "Pending", "email": email, "password": PASSWORD}
    )
    token = await _reset_token(confirming, context, email)
    done = await confirming.post(
        "/api/users/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 204
    user = await _user(context, email)
    assert user.pending_since is None and user.credits == 3
    await assert_every_balance_agrees(context)


async def test_reset_requests_are_rate_limited_per_email(client: httpx.AsyncClient) -> None:
    email = f"target-{uuid.uuid4().hex[:8]}@example.com"
    statuses = [
        (await client.post("/api/users/password-reset", json={"email": email})).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [202] * 5
    assert statuses[5:] == [429, 429]


@pytest.mark.usefixtures("confirming")
async def test_admins_read_the_outbox_others_cannot(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    admin = await register_admin(client, context)
    email = f"reader-{uuid.uuid4().hex[:8]}@example.com"
    await client.post(
        "/api/users/register", json={"name": "Reader", "email": email, "password": PASSWORD}
    )
    page = await client.get(f"/api/admin/outbox?recipient={email}", headers=admin)
    assert page.status_code == 200, page.text
    [mail] = page.json()["emails"]
    assert mail["kind"] == "confirm_email" and "token=" in mail["body"]
    assert (await client.get("/api/admin/outbox")).status_code == 401


async def register_admin(client: httpx.AsyncClient, context: AppContext) -> dict[str, str]:
    """An administrator's headers (registered with confirmation off, then promoted)."""
    setting = context.settings.email_confirmation
    context.settings.email_confirmation = False
    try:
        account = await register(client, name="Admin")
        creator = await register(client, name="Creator")
    finally:
        context.settings.email_confirmation = setting
    await _make_admin(context, account.id)
    denied = await client.get("/api/admin/outbox", headers=creator.headers)
    assert denied.status_code == 403
    return account.headers
