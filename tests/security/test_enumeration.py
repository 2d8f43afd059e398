"""Sign-up and sign-in cannot tell which emails have accounts (EMAIL_CONFIRMATION on)."""

from __future__ import annotations

import time
import uuid

import httpx
from sqlalchemy import select

from app.context import AppContext
from db.models import OutboxEmail, User
from tests.support.accounts import PASSWORD
from tests.support.ledger import assert_every_balance_agrees
from tests.support.mail import link_token

TIMING_RATIO_MAX = 3.0
"""A known email's sign-up may not take more than 3x a new one's, nor less than a third
(bcrypt at 4 rounds is quick, so the bound is loose; skipping the hash would be ~50x)."""


def _email() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


async def _outbox(context: AppContext, recipient: str) -> list[OutboxEmail]:
    async with context.sessions() as session:
        rows = await session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.recipient == recipient)
            .order_by(OutboxEmail.created_at)
        )
        return list(rows)


async def _user(context: AppContext, email: str) -> User:
    async with context.sessions() as session:
        user = await session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


async def _register(client: httpx.AsyncClient, email: str, name: str = "Pat") -> httpx.Response:
    return await client.post(
        "/api/users/register", json={"name": name, "email": email, "password": PASSWORD}
    )


async def test_signup_answers_the_same_for_a_new_and_a_known_email(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    known = _email()
    first = await _register(confirming, known)
    assert first.status_code == 201, first.text
    real = await _user(context, known)
    assert real.pending_since is not None and real.credits == 0
    token = await _confirm_token(context, known)
    assert (await confirming.post("/api/users/confirm", json={"token": token})).status_code == 200
    before = await _user(context, known)

    again = await _register(confirming, known, name="Someone Else")
    new = await _register(confirming, _email(), name="Someone Else")
    assert again.status_code == new.status_code == 201
    assert again.headers.keys() - {"x-request-id"} == new.headers.keys() - {"x-request-id"}
    again_body, new_body = again.json(), new.json()
    assert again_body.keys() == new_body.keys()
    for key in ("name", "plan_type", "credits", "role"):
        assert again_body[key] == new_body[key], key
    assert again_body["id"] != str(real.id), "the known account's id leaked"
    async with context.sessions() as session:
        assert await session.get(User, uuid.UUID(again_body["id"])) is None

    after = await _user(context, known)
    assert (after.name, after.password_hash, after.credits, after.token_version) == (
        before.name,
        before.password_hash,
        before.credits,
        before.token_version,
    )
    kinds = [mail.kind for mail in await _outbox(context, known)]
    assert kinds == ["confirm_email", "signup_attempt"]
    await assert_every_balance_agrees(context)


async def test_signup_takes_as_long_for_a_known_email(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    known = _email()
    assert (await _register(confirming, known)).status_code == 201
    rounds = 6
    known_s = new_s = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        await _register(confirming, known)
        known_s += time.perf_counter() - start
        start = time.perf_counter()
        await _register(confirming, _email())
        new_s += time.perf_counter() - start
    assert 1 / TIMING_RATIO_MAX < known_s / new_s < TIMING_RATIO_MAX, (known_s, new_s)


async def _confirm_token(context: AppContext, email: str) -> str:
    mails = [mail for mail in await _outbox(context, email) if mail.kind == "confirm_email"]
    return link_token(mails[-1].body)


async def test_a_pending_account_signs_in_like_a_wrong_password(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    pending, active = _email(), _email()
    assert (await _register(confirming, pending)).status_code == 201
    assert (await _register(confirming, active)).status_code == 201
    token = await _confirm_token(context, active)
    assert (await confirming.post("/api/users/confirm", json={"token": token})).status_code == 200

    right_but_pending = await confirming.post(
        "/api/users/login", json={"email": pending, "password": PASSWORD}
    )
    wrong_password = await confirming.post(
        "/api/users/login", json={"email": active, "password": "Not-The-Password-1"}
    )
    assert right_but_pending.status_code == wrong_password.status_code == 401
    assert right_but_pending.json() == wrong_password.json()
    signed_in = await confirming.post(
        "/api/users/login", json={"email": active, "password": PASSWORD}
    )
    assert signed_in.status_code == 200


async def test_confirmation_grants_the_starting_credits_once(
    confirming: httpx.AsyncClient, context: AppContext
) -> None:
    email = _email()
    assert (await _register(confirming, email)).status_code == 201
    await assert_every_balance_agrees(context)
    token = await _confirm_token(context, email)
    confirmed = await confirming.post("/api/users/confirm", json={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["credits"] == 3
    reused = await confirming.post("/api/users/confirm", json={"token": token})
    assert reused.status_code == 400 and reused.json()["code"] == "bad_link"
    assert (await _user(context, email)).credits == 3
    await assert_every_balance_agrees(context)


async def test_signup_without_confirmation_keeps_the_seed_contract(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    email = _email()
    created = await _register(client, email)
    assert created.status_code == 201 and created.json()["credits"] == 3
    assert (await _register(client, email)).status_code == 409
    login = await client.post("/api/users/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    assert await _outbox(context, email) == []
