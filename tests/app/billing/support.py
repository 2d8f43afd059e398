"""Helpers for the billing tests: subscribing through the API and delivering signed events."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from app.context import AppContext
from db.models import BillingEvent, CreditAccount, CreditLedgerEntry, LogEntry
from tests.support.accounts import Account
from tests.support.stripe_events import (
    body_of,
    checkout_completed,
    event,
    invoice,
    new_id,
    sign,
)

WEBHOOK = "/api/billing/webhook"


async def deliver(client: httpx.AsyncClient, evt: dict[str, Any], **signing: Any) -> httpx.Response:
    """POST a signed event to the webhook as Stripe does."""
    body = body_of(evt)
    return await client.post(
        WEBHOOK,
        content=body,
        headers={"Stripe-Signature": sign(body, **signing), "Content-Type": "application/json"},
    )


@dataclass
class Subscribed:
    """A user who checked out: their Stripe customer, subscription and first invoice."""

    customer: str
    subscription: str
    invoice_id: str
    period_start: int


async def subscribe(
    client: httpx.AsyncClient,
    context: AppContext,
    account: Account,
    plan: str,
    period_start: int | None = None,
) -> Subscribed:
    """Checkout through the API, then Stripe's completion and invoice.paid events."""
    response = await client.post(
        "/api/credits/checkout", json={"plan_type": plan}, headers=account.headers
    )
    assert response.status_code == 200, response.text
    session_id = response.json()["checkout_url"].rsplit("/", 1)[1]
    customer = await stripe_customer(context, account)
    sub = new_id("sub")
    start = period_start or int(time.time()) - 60
    done = await deliver(client, checkout_completed(session_id, customer, account.id, sub))
    assert done.status_code == 200, done.text
    paid = invoice(customer, sub, plan, start)
    answer = await deliver(client, event("invoice.paid", paid))
    assert answer.status_code == 200, answer.text
    return Subscribed(customer, sub, paid["id"], start)


async def stripe_customer(context: AppContext, account: Account) -> str:
    """The Stripe customer the studio created for this user (read from the database)."""
    async with context.sessions() as session:
        customer = await session.scalar(
            select(CreditAccount.stripe_customer_id).where(CreditAccount.user_id == account.id)
        )
    assert customer
    return customer


async def ledger(context: AppContext, user_id: str) -> list[tuple[str, int, str | None]]:
    """(reason, delta, source_id) of the user's ledger, oldest first."""
    async with context.sessions() as session:
        rows = await session.execute(
            select(CreditLedgerEntry.reason, CreditLedgerEntry.delta, CreditLedgerEntry.source_id)
            .where(CreditLedgerEntry.user_id == user_id)
            .order_by(CreditLedgerEntry.created_at, CreditLedgerEntry.id)
        )
        return [(reason.value, delta, source) for reason, delta, source in rows]


async def log_actions(context: AppContext, user_id: str) -> list[str]:
    """The user's audit actions."""
    async with context.sessions() as session:
        return list(
            (
                await session.scalars(select(LogEntry.action).where(LogEntry.user_id == user_id))
            ).all()
        )


async def stored_events(context: AppContext) -> list[BillingEvent]:
    """Every stored Stripe event."""
    async with context.sessions() as session:
        return list((await session.scalars(select(BillingEvent))).all())


async def account_row(context: AppContext, user_id: str) -> CreditAccount:
    """The user's credits row."""
    async with context.sessions() as session:
        row = await session.scalar(select(CreditAccount).where(CreditAccount.user_id == user_id))
    assert row is not None
    return row
