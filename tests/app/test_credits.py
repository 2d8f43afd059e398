"""Credit service: balance, plans, top-up; ledger and both balance columns always agree."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from sqlalchemy import func, select

from app.context import AppContext
from db.models import CreditAccount, CreditLedgerEntry, LogEntry, User
from tests.support.accounts import register


async def assert_balances_agree(context: AppContext, user_id: str) -> int:
    """users.credits == credits.credits_balance == sum of the ledger; returns the balance."""
    async with context.sessions() as session:
        user = await session.get(User, user_id)
        account = await session.scalar(
            select(CreditAccount).where(CreditAccount.user_id == user_id)
        )
        ledger_sum = await session.scalar(
            select(func.coalesce(func.sum(CreditLedgerEntry.delta), 0)).where(
                CreditLedgerEntry.user_id == user_id
            )
        )
        last = await session.scalar(
            select(CreditLedgerEntry.balance_after)
            .where(CreditLedgerEntry.user_id == user_id)
            .order_by(CreditLedgerEntry.created_at.desc())
            .limit(1)
        )
    assert user is not None
    assert account is not None
    assert user.credits == account.credits_balance == ledger_sum
    assert last is not None
    assert last >= 0
    return user.credits


async def test_plans_are_the_seeds_four(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/credits/plans")
    assert response.status_code == 200
    assert response.json() == [
        {
            "plan_type": "Free",
            "price": 0.0,
            "credits_per_month": 3,
            "credits_per_minute": 3,
            "max_video_length": 1,
        },
        {
            "plan_type": "Standard",
            "price": 39.0,
            "credits_per_month": 30,
            "credits_per_minute": 3,
            "max_video_length": 10,
        },
        {
            "plan_type": "Pro",
            "price": 49.0,
            "credits_per_month": 60,
            "credits_per_minute": 3,
            "max_video_length": 20,
        },
        {
            "plan_type": "Enterprise",
            "price": 99.0,
            "credits_per_month": 120,
            "credits_per_minute": 3,
            "max_video_length": 40,
        },
    ]


async def test_balance_of_a_new_user(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.get("/api/credits/balance", headers=account.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["balance"] == 3
    assert body["plan_type"] == "Free"
    assert body["credits_per_minute"] == 3
    assert body["max_video_length"] == 1
    assert (await client.get("/api/credits/balance")).status_code == 401


async def test_topup_adds_monthly_credits_and_opens_a_30_day_window(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    response = await client.post(
        "/api/credits/topup", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["credits_balance"] == 63
    assert body["plan_type"] == "Pro"
    assert body["message"] == "Credits topped up successfully"

    balance = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert balance["balance"] == 63
    assert balance["plan_type"] == "Pro"
    assert balance["max_video_length"] == 20
    start = datetime.fromisoformat(balance["subscription_start"])
    end = datetime.fromisoformat(balance["subscription_end"])
    assert end - start == timedelta(days=30)
    profile = (await client.get("/api/users/profile", headers=account.headers)).json()
    assert profile["plan_type"] == "Pro"
    assert profile["credits"] == 63
    assert await assert_balances_agree(context, account.id) == 63

    ledger = (await client.get("/api/credits/ledger", headers=account.headers)).json()
    assert [entry["reason"] for entry in ledger["entries"]] == ["topup", "signup"]
    async with context.sessions() as session:
        actions = (await session.scalars(select(LogEntry.action))).all()
    assert "credits.topup" in actions


async def test_topup_rejects_free_and_unknown_plans(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    free = await client.post(
        "/api/credits/topup", json={"plan_type": "Free"}, headers=account.headers
    )
    assert free.status_code == 422
    assert "Free plan" in free.json()["detail"]
    unknown = await client.post(
        "/api/credits/topup", json={"plan_type": "Gold"}, headers=account.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "plan_type"
    assert await assert_balances_agree(context, account.id) == 3
