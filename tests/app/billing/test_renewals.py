"""The periodic renewal: Free periods renew once per period even with two workers; paid plans
that ended unpaid give Free limits, then fall back to Free."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy import text, update

from app.billing.renewals import BILLING_QUEUE, RENEWAL_TASK, renew_due_plans
from app.config import Settings
from app.context import AppContext
from app.worker.context import WorkerContext
from app.worker.queue_app import build_queue_app
from db.models import CreditAccount
from db.session import create_engine, create_session_factory
from tests.app.billing.support import account_row, ledger
from tests.app.test_projects import _topup, film
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT


async def _end_period(context: AppContext, user_id: str, ago: timedelta) -> datetime:
    end = datetime.now(UTC) - ago
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(CreditAccount)
            .where(CreditAccount.user_id == user_id)
            .values(subscription_end=end, subscription_start=end - timedelta(days=30))
        )
    return end


@pytest.fixture
async def two_workers(
    settings: Settings, context: AppContext
) -> AsyncIterator[list[WorkerContext]]:
    """Two workers' contexts, each with its own database connections."""
    engines = [create_engine(context.database_url, pool_size=2) for _ in range(2)]
    workers = [
        WorkerContext(
            settings=settings,
            database_url=context.database_url,
            sessions=create_session_factory(engine),
            storage=context.storage,
            name=f"worker-{index}",
        )
        for index, engine in enumerate(engines)
    ]
    try:
        yield workers
    finally:
        for engine in engines:
            await engine.dispose()


async def test_free_renewal_runs_once_per_period_with_two_workers(
    client: httpx.AsyncClient, context: AppContext, two_workers: list[WorkerContext]
) -> None:
    due = await register(client, name="Due")
    fresh = await register(client, name="Fresh")
    render = await client.post("/api/projects/create", json=film(), headers=due.headers)
    assert render.status_code == 201  # 3 spent: nothing left to expire
    ended = await _end_period(context, due.id, timedelta(hours=1))
    await _end_period(context, fresh.id, -timedelta(days=10))

    # Each worker's periodic deferrer defers the latest cron tick; the database keeps one.
    apps = [build_queue_app(worker, {}) for worker in two_workers]
    at = time.time()
    for app in apps:
        async with app.open_async():
            deferrer = PeriodicDeferrer(registry=app.periodic_registry)
            await deferrer.defer_jobs(deferrer.get_previous_tasks(at=at))
    async with context.sessions() as session:
        queued = await session.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task"),
            {"task": RENEWAL_TASK},
        )
    assert queued == 1

    async def work(app: object) -> None:
        async with app.open_async():  # type: ignore[attr-defined]
            await app.run_worker_async(  # type: ignore[attr-defined]
                queues=[BILLING_QUEUE], wait=False, install_signal_handlers=False
            )

    await asyncio.gather(*(work(app) for app in apps))
    async with context.sessions() as session:
        statuses = (
            await session.scalars(
                text("SELECT status::text FROM procrastinate_jobs WHERE task_name = :task"),
                {"task": RENEWAL_TASK},
            )
        ).all()
    # (a cron tick passing while the workers run may add a job; each runs once and succeeds)
    assert statuses and set(statuses) == {"succeeded"}

    source = f"free:{due.id}:{ended.isoformat()}"
    assert await ledger(context, due.id) == [
        ("signup", 3, None),
        ("debit", -3, None),
        ("grant", 3, source),
    ]
    assert await ledger(context, fresh.id) == [("signup", 3, None)]
    row = await account_row(context, due.id)
    assert row.subscription_end is not None
    assert row.subscription_end > datetime.now(UTC) + timedelta(days=29)

    # Both workers renewing at once, twice over: still one renewal of each period.
    again = await _end_period(context, fresh.id, timedelta(minutes=1))
    now = datetime.now(UTC)
    first = await asyncio.gather(*(renew_due_plans(w.sessions, now) for w in two_workers))
    second = await asyncio.gather(*(renew_due_plans(w.sessions, now) for w in two_workers))
    assert sorted(first) == [0, 1]
    assert second == [0, 0]
    assert await ledger(context, fresh.id) == [
        ("signup", 3, None),
        ("expiry", -3, f"free:{fresh.id}:{again.isoformat()}"),
        ("grant", 3, f"free:{fresh.id}:{again.isoformat()}"),
    ]


async def test_a_lapsed_paid_plan_gives_free_limits_then_falls_back_to_free(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    await _topup(client, account, "Standard")  # development grant: 33 credits, 10 minutes
    await _end_period(context, account.id, timedelta(days=3))
    within_grace = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert within_grace["plan_type"] == "Standard"

    await _end_period(context, account.id, timedelta(days=60))
    lapsed = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert lapsed["plan_type"] == "Free"
    assert lapsed["max_video_length"] == 1
    long_film = film(duration=10, script=" ".join([ONE_MINUTE_SCRIPT] * 14))
    refused = await client.post("/api/projects/create", json=long_film, headers=account.headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "plan_limit"

    assert await renew_due_plans(context.sessions, datetime.now(UTC)) == 1
    row = await account_row(context, account.id)
    assert row.plan_type == "Free"
    assert row.credits_balance == 6  # 30 of Standard expired, 3 carried over, 3 granted
    reasons = [reason for reason, _, _ in await ledger(context, account.id)]
    assert reasons == ["signup", "topup", "expiry", "grant"]
