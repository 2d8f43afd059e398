"""Subscription changes: upgrades now, downgrades at renewal, renewals expire the unspent
credits, late events never overwrite newer states, cancellation back to Free."""

from __future__ import annotations

import time

import httpx
import pytest

from app.context import AppContext
from tests.app.billing.support import account_row, deliver, ledger, log_actions, subscribe
from tests.app.test_projects import film
from tests.support.accounts import register
from tests.support.media import ONE_MINUTE_SCRIPT
from tests.support.stripe_events import DAY_S, PERIOD_S, event, invoice, subscription

pytestmark = pytest.mark.usefixtures("payments")


async def _balance(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    response = await client.get("/api/credits/balance", headers=headers)
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def test_out_of_order_subscription_updates_keep_the_newest_state(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Standard")
    now = int(time.time())
    end = sub.period_start + PERIOD_S
    older = event(
        "customer.subscription.updated",
        subscription(sub.subscription, sub.customer, "Standard", end),
        created=now + 5,
    )
    newer = event(
        "customer.subscription.updated",
        subscription(sub.subscription, sub.customer, "Pro", end),
        created=now + 20,
    )
    assert (await deliver(client, newer)).status_code == 200
    late = await deliver(client, older)
    assert late.status_code == 200
    assert late.json()["outcome"].startswith("ignored: older")

    balance = await _balance(client, account.headers)
    assert balance["plan_type"] == "Pro"
    assert balance["pending_plan"] is None
    assert balance["balance"] == 60  # 30 of Standard + the 30 difference to Pro
    assert (await ledger(context, account.id))[-1] == (
        "upgrade",
        30,
        f"{sub.subscription}:Pro:{(await account_row(context, account.id)).subscription_start.isoformat()}",
    )
    assert "credits.upgrade" in await log_actions(context, account.id)


async def test_downgrade_waits_for_renewal_which_expires_unspent_credits(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Pro")
    long_script = " ".join([ONE_MINUTE_SCRIPT] * 14)
    render = await client.post(
        "/api/projects/create", json=film(duration=10, script=long_script), headers=account.headers
    )
    assert render.status_code == 201, render.text  # 60 - 30 = 30 left
    end = sub.period_start + PERIOD_S
    down = event(
        "customer.subscription.updated",
        subscription(sub.subscription, sub.customer, "Standard", end),
    )
    assert (await deliver(client, down)).status_code == 200
    balance = await _balance(client, account.headers)
    assert balance["plan_type"] == "Pro"
    assert balance["pending_plan"] == "Standard"
    assert balance["balance"] == 30

    renewal = invoice(sub.customer, sub.subscription, "Standard", end, reason="subscription_cycle")
    assert (await deliver(client, event("invoice.paid", renewal))).status_code == 200
    balance = await _balance(client, account.headers)
    assert balance["plan_type"] == "Standard"
    assert balance["pending_plan"] is None
    assert balance["balance"] == 30  # 30 unspent Pro credits expired, 30 Standard granted
    assert balance["max_video_length"] == 10
    assert (await ledger(context, account.id))[-2:] == [
        ("expiry", -30, renewal["id"]),
        ("grant", 30, renewal["id"]),
    ]
    row = await account_row(context, account.id)
    assert row.subscription_end is not None
    assert int(row.subscription_end.timestamp()) == end + PERIOD_S

    # The proration invoice of an upgrade grants nothing (the difference came with the update).
    proration = invoice(
        sub.customer, sub.subscription, "Pro", end + DAY_S, reason="subscription_update"
    )
    answer = await deliver(client, event("invoice.paid", proration))
    assert answer.json()["outcome"] == "ignored: a subscription_update invoice grants no credits"
    # An older period's invoice arriving late changes nothing.
    stale = invoice(
        sub.customer,
        sub.subscription,
        "Pro",
        sub.period_start - PERIOD_S,
        reason="subscription_cycle",
        new_shape=False,
    )
    answer = await deliver(client, event("invoice.paid", stale))
    assert answer.json()["outcome"] == "ignored: a period older than the current one"
    assert (await _balance(client, account.headers))["balance"] == 30


async def test_failed_payment_then_cancellation_back_to_free(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Enterprise")
    failed = invoice(
        sub.customer,
        sub.subscription,
        "Enterprise",
        sub.period_start + PERIOD_S,
        reason="subscription_cycle",
    )
    failed["status"] = "open"
    stale = event("invoice.payment_failed", failed, created=sub.period_start - 60)
    assert (await deliver(client, stale)).json()["outcome"].startswith("ignored: older")
    assert (await _balance(client, account.headers))["payment_failed"] is False
    assert (await deliver(client, event("invoice.payment_failed", failed))).status_code == 200
    balance = await _balance(client, account.headers)
    assert balance["payment_failed"] is True
    assert balance["plan_type"] == "Enterprise"  # the plan stays until Stripe ends it

    cancelling = subscription(
        sub.subscription,
        sub.customer,
        "Enterprise",
        sub.period_start + PERIOD_S,
        status="past_due",
        cancel_at_period_end=True,
    )
    assert (await deliver(client, event("customer.subscription.updated", cancelling))).is_success
    assert (await _balance(client, account.headers))["cancel_at_period_end"] is True

    ended = subscription(
        sub.subscription,
        sub.customer,
        "Enterprise",
        sub.period_start + PERIOD_S,
        status="canceled",
    )
    answer = await deliver(client, event("customer.subscription.deleted", ended))
    assert answer.json()["outcome"] == "applied: back to the Free plan"
    balance = await _balance(client, account.headers)
    assert balance["plan_type"] == "Free"
    assert balance["balance"] == 3
    assert balance["max_video_length"] == 1
    assert balance["subscription_status"] == "canceled"
    assert balance["payment_failed"] is False
    assert (await ledger(context, account.id))[-2:] == [
        ("expiry", -120, f"ended:{sub.subscription}"),
        ("grant", 3, f"ended:{sub.subscription}"),
    ]
    assert {"billing.payment_failed", "billing.subscription_ended"} <= set(
        await log_actions(context, account.id)
    )
    # Subscribing again is possible once the subscription ended.
    again = await client.post(
        "/api/credits/checkout", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert again.status_code == 200


async def test_checkout_refused_while_subscribed_and_portal_opens(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    no_account = await client.post("/api/credits/portal", headers=account.headers)
    assert no_account.status_code == 409
    assert no_account.json()["code"] == "no_billing_account"
    sub = await subscribe(client, context, account, "Standard")
    live = subscription(sub.subscription, sub.customer, "Standard", sub.period_start + PERIOD_S)
    await deliver(client, event("customer.subscription.updated", live))
    again = await client.post(
        "/api/credits/checkout", json={"plan_type": "Pro"}, headers=account.headers
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_subscribed"
    portal = await client.post("/api/credits/portal", headers=account.headers)
    assert portal.status_code == 200
    assert portal.json()["portal_url"].startswith("https://checkout.stripe.test/p/session/bps_")
    free = await client.post(
        "/api/credits/checkout", json={"plan_type": "Free"}, headers=account.headers
    )
    assert free.status_code == 422
