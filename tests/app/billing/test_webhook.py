"""The Stripe webhook: signatures checked by the SDK, every event stored and applied once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
import pytest

from app.config import Settings
from app.context import AppContext
from tests.app.billing.support import (
    WEBHOOK,
    account_row,
    deliver,
    ledger,
    log_actions,
    stored_events,
    subscribe,
)
from tests.support.accounts import register
from tests.support.fake_stripe import FakeStripe
from tests.support.stripe_events import (
    body_of,
    checkout_completed,
    event,
    invoice,
    new_id,
    sign,
)

pytestmark = pytest.mark.usefixtures("payments")


async def test_subscribe_then_invoice_paid_grants_the_plan_once(
    client: httpx.AsyncClient, context: AppContext, payments: FakeStripe
) -> None:
    account = await register(client)
    checkout = await client.post(
        "/api/credits/checkout", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert checkout.status_code == 200, checkout.text
    url = checkout.json()["checkout_url"]
    assert url.startswith("https://checkout.stripe.test/c/pay/cs_")
    session_id = url.rsplit("/", 1)[1]

    [customer_call] = payments.calls("/v1/customers")
    assert customer_call.params["metadata"] == {"user_id": account.id}
    [session_call] = payments.calls("/v1/checkout/sessions")
    sent = session_call.params
    assert sent["mode"] == "subscription"
    assert sent["client_reference_id"] == account.id
    assert sent["line_items"] == [{"price": "price_pro_test", "quantity": "1"}]
    # PUBLIC_BASE_URL unset: the links follow the address the request came in on
    assert sent["success_url"].startswith("http://testserver/studio/?checkout=success")
    assert "{CHECKOUT_SESSION_ID}" in sent["success_url"]
    assert sent["cancel_url"] == "http://testserver/studio/?checkout=cancelled"

    waiting = await client.get(f"/api/credits/checkout/{session_id}", headers=account.headers)
    assert waiting.json()["status"] == "waiting"

    # A second checkout reuses the customer.
    again = await client.post(
        "/api/credits/checkout", json={"plan_type": "Standard"}, headers=account.headers
    )
    assert again.status_code == 200
    assert len(payments.calls("/v1/customers")) == 1
    assert payments.calls("/v1/checkout/sessions")[1].params["customer"] == sent["customer"]

    customer = sent["customer"]
    sub = new_id("sub")
    completed = await deliver(client, checkout_completed(session_id, customer, account.id, sub))
    assert completed.status_code == 200
    paid = event("invoice.paid", invoice(customer, sub, "Pro", int(time.time()) - 10))
    first = await deliver(client, paid)
    assert first.status_code == 200
    assert first.json()["duplicate"] is False
    repeat = await deliver(client, paid)
    assert repeat.status_code == 200
    assert repeat.json() == {"received": True, "duplicate": True, "outcome": "already received"}
    # The same invoice in another event (invoice.paid redelivered under a new id): no grant.
    same_invoice = dict(paid, id=new_id("evt"))
    assert (await deliver(client, same_invoice)).json()["duplicate"] is False

    balance = (await client.get("/api/credits/balance", headers=account.headers)).json()
    assert balance["plan_type"] == "Pro"
    assert balance["balance"] == 60
    assert balance["max_video_length"] == 20
    assert balance["has_billing_account"] is True
    assert await ledger(context, account.id) == [
        ("signup", 3, None),
        ("expiry", -3, paid["data"]["object"]["id"]),
        ("grant", 60, paid["data"]["object"]["id"]),
    ]
    assert "credits.renewal" in await log_actions(context, account.id)
    confirmed = await client.get(f"/api/credits/checkout/{session_id}", headers=account.headers)
    assert confirmed.json() == {"status": "confirmed", "balance": 60, "plan_type": "Pro"}

    entries = (await client.get("/api/credits/ledger", headers=account.headers)).json()["entries"]
    assert entries[0]["reason"] == "grant"
    assert entries[0]["source_id"] == paid["data"]["object"]["id"]


async def test_twenty_concurrent_deliveries_grant_once(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    first = await subscribe(client, context, account, "Standard")
    renewal = event(
        "invoice.paid",
        invoice(
            first.customer,
            first.subscription,
            "Standard",
            first.period_start + 30 * 86_400,
            reason="subscription_cycle",
        ),
    )
    answers = await asyncio.gather(*(deliver(client, renewal) for _ in range(20)))
    assert [answer.status_code for answer in answers] == [200] * 20
    assert sorted(answer.json()["duplicate"] for answer in answers) == [False] + [True] * 19
    grants = [row for row in await ledger(context, account.id) if row[0] == "grant"]
    assert len(grants) == 2
    assert (await account_row(context, account.id)).credits_balance == 30
    assert len([e for e in await stored_events(context) if e.id == renewal["id"]]) == 1


@pytest.mark.parametrize("attack", ["tampered", "wrong_secret", "stale", "missing", "garbled"])
async def test_bad_signatures_are_refused_and_change_nothing(
    client: httpx.AsyncClient, context: AppContext, attack: str
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Standard")
    before = await ledger(context, account.id)
    events_before = len(await stored_events(context))
    evt = event(
        "invoice.paid",
        invoice(
            sub.customer,
            sub.subscription,
            "Enterprise",
            sub.period_start + 30 * 86_400,
            reason="subscription_cycle",
        ),
    )
    body = body_of(evt)
    headers = {"Content-Type": "application/json"}
    if attack == "tampered":
        headers["Stripe-Signature"] = sign(body)
        body = body.replace(b"price_ent", b"price_pro")
    elif attack == "wrong_secret":
        headers["Stripe-Signature"] = sign(body, secret="whsec_someone_else")
    elif attack == "stale":
        headers["Stripe-Signature"] = sign(body, at=int(time.time()) - 301)
    elif attack == "garbled":
        headers["Stripe-Signature"] = "t=abc,v1=nothex"
    response = await client.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_signature"
    assert await ledger(context, account.id) == before
    assert len(await stored_events(context)) == events_before


async def test_webhook_without_payments_configured_is_503(
    client: httpx.AsyncClient, use_settings: Callable[[Settings], None], settings: Settings
) -> None:
    use_settings(settings)
    response = await client.post(WEBHOOK, content=b"{}", headers={"Stripe-Signature": "t=1,v1=0"})
    assert response.status_code == 503
    assert "STRIPE_SECRET_KEY" in response.json()["missing_settings"]


async def test_unused_events_are_stored_and_ignored(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    evt = event("customer.created", {"id": "cus_x", "object": "customer"})
    answer = await deliver(client, evt)
    assert answer.status_code == 200
    assert answer.json()["outcome"].startswith("ignored")
    assert [e.id for e in await stored_events(context)] == [evt["id"]]
