"""User service: register, login, profile, exactly as the seed's contracts say."""

from __future__ import annotations

from datetime import datetime

import httpx
import jwt
import pytest
from sqlalchemy import select

from app.context import AppContext
from db.models import CreditAccount, CreditLedgerEntry, LogEntry
from tests.conftest import TEST_SECRET
from tests.support.accounts import PASSWORD, register

NEW_USER = {"name": "John Doe", "email": "john@example.com", "password": "SecurePass123"}


async def test_register_answers_the_seed_contract(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    response = await client.post("/api/users/register", json=NEW_USER)
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "name", "email", "plan_type", "credits", "role", "created_at"}
    assert body["name"] == "John Doe"
    assert body["email"] == "john@example.com"
    assert body["plan_type"] == "Free"
    assert body["credits"] == 3
    assert body["role"] == "creator"
    assert "password" not in response.text
    assert "password_hash" not in response.text
    datetime.fromisoformat(body["created_at"])

    async with context.sessions() as session:
        account = await session.scalar(select(CreditAccount))
        ledger = (await session.scalars(select(CreditLedgerEntry))).all()
        logs = (await session.scalars(select(LogEntry))).all()
    assert account is not None
    assert account.credits_balance == 3
    assert account.plan_type == "Free"
    assert [(row.delta, row.balance_after, row.reason) for row in ledger] == [(3, 3, "signup")]
    assert [row.action for row in logs] == ["user.register"]


async def test_register_same_email_twice_is_409(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/users/register", json=NEW_USER)).status_code == 201
    again = await client.post(
        "/api/users/register", json={**NEW_USER, "email": "JOHN@Example.com "}
    )
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short1"}, "password"),
        ({"password": "onlyletterslong"}, "password"),
        ({"password": "x1" * 40}, "password"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 256}, "name"),
    ],
)
async def test_register_rejects_bad_input_clearly(
    client: httpx.AsyncClient, change: dict[str, str], field: str
) -> None:
    response = await client.post("/api/users/register", json={**NEW_USER, **change})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == field
    assert field in body["detail"]
    missing = await client.post(
        "/api/users/login", json={"email": NEW_USER["email"], "password": PASSWORD}
    )
    assert missing.status_code == 401  # nothing was created


async def test_login_returns_a_24_hour_bearer_token(client: httpx.AsyncClient) -> None:
    await client.post("/api/users/register", json=NEW_USER)
    response = await client.post(
        "/api/users/login", json={"email": NEW_USER["email"], "password": NEW_USER["password"]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    claims = jwt.decode(body["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 86400


async def test_login_failures_say_the_same_for_unknown_email_and_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/api/users/register", json=NEW_USER)
    wrong_password = await client.post(
        "/api/users/login", json={"email": NEW_USER["email"], "password": "WrongPass999"}
    )
    unknown_email = await client.post(
        "/api/users/login", json={"email": "nobody@example.com", "password": "WrongPass999"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()


async def test_profile_needs_a_valid_token(client: httpx.AsyncClient) -> None:
    account = await register(client, name="Asha")
    response = await client.get("/api/users/profile", headers=account.headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "id",
        "name",
        "email",
        "plan_type",
        "credits",
        "role",
        "created_at",
        "updated_at",
    }
    assert body["name"] == "Asha"
    assert body["credits"] == 3

    assert (await client.get("/api/users/profile")).status_code == 401
    forged = jwt.encode({"sub": account.id, "exp": 9999999999}, "another-secret-" * 3, "HS256")
    bad = await client.get("/api/users/profile", headers={"Authorization": f"Bearer {forged}"})
    assert bad.status_code == 401
    expired = jwt.encode({"sub": account.id, "exp": 1000}, TEST_SECRET, "HS256")
    old = await client.get("/api/users/profile", headers={"Authorization": f"Bearer {expired}"})
    assert old.status_code == 401
    assert "expired" in old.json()["detail"]


async def test_login_and_register_are_rate_limited(
    client: httpx.AsyncClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context.settings, "rate_limit_login", "3/minute")
    monkeypatch.setattr(context.settings, "rate_limit_register", "2/minute")
    attempt = {"email": "someone@example.com", "password": "WrongPass999"}
    statuses = [(await client.post("/api/users/login", json=attempt)).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = await client.post("/api/users/login", json=attempt)
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["code"] == "rate_limited"

    for index in range(2):
        ok = await client.post(
            "/api/users/register", json={**NEW_USER, "email": f"u{index}@example.com"}
        )
        assert ok.status_code == 201
    blocked = await client.post("/api/users/register", json={**NEW_USER, "email": "u9@example.com"})
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers
