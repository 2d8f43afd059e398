"""Refunds and disputes take back the unspent credits of the invoice they hit, never below 0."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.context import AppContext
from tests.app.billing.support import account_row, deliver, ledger, log_actions, subscribe
from tests.app.test_projects import film
from tests.support.accounts import register
from tests.support.fake_stripe import FakeStripe
from tests.support.media import ONE_MINUTE_SCRIPT
from tests.support.stripe_events import event, new_id

pytestmark = pytest.mark.usefixtures("payments")
TEN_MINUTES = film(duration=10, script=" ".join([ONE_MINUTE_SCRIPT] * 14))


async def test_refund_takes_back_what_is_left_of_that_invoice_once(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Pro")  # 60 credits
    render = await client.post("/api/projects/create", json=TEN_MINUTES, headers=account.headers)
    assert render.status_code == 201  # 30 left
    charge = {
        "id": new_id("ch"),
        "object": "charge",
        "customer": sub.customer,
        "invoice": sub.invoice_id,
        "refunded": True,
        "amount_refunded": 4900,
    }
    answer = await deliver(client, event("charge.refunded", charge))
    assert answer.json()["outcome"] == "applied: 30 credits taken back"
    again = await deliver(client, event("charge.refunded", charge))
    assert again.json()["outcome"] == f"ignored: invoice {sub.invoice_id} was already clawed back"
    assert (await account_row(context, account.id)).credits_balance == 0
    assert (await ledger(context, account.id))[-1] == ("clawback", -30, sub.invoice_id)
    assert "credits.clawback" in await log_actions(context, account.id)


async def test_dispute_while_a_render_is_debited_never_goes_below_zero(
    client: httpx.AsyncClient, context: AppContext, payments: FakeStripe
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Standard")  # 30 credits
    intent = new_id("pi")
    payments.invoice_payments[intent] = sub.invoice_id  # the new API: charge.invoice is gone
    dispute = {
        "id": new_id("dp"),
        "object": "dispute",
        "charge": new_id("ch"),
        "payment_intent": intent,
        "reason": "fraudulent",
        "status": "needs_response",
    }
    render, disputed = await asyncio.gather(
        client.post("/api/projects/create", json=TEN_MINUTES, headers=account.headers),
        deliver(client, event("charge.dispute.created", dispute)),
    )
    assert disputed.status_code == 200, disputed.text
    clawback = (await ledger(context, account.id))[-1]
    if render.status_code == 201:  # the render's debit came first: nothing left to take
        assert clawback == ("clawback", 0, sub.invoice_id)
    else:  # the dispute came first: the render finds no credits
        assert render.status_code == 402
        assert clawback == ("clawback", -30, sub.invoice_id)
    assert (await account_row(context, account.id)).credits_balance == 0
    assert payments.calls("/v1/invoice_payments")[0].params["payment"] == {
        "type": "payment_intent",
        "payment_intent": intent,
    }

    # Another dispute of the same invoice takes nothing more.
    late = dict(dispute, id=new_id("dp"))
    answer = await deliver(client, event("charge.dispute.created", late))
    assert answer.json()["outcome"].startswith("ignored")


async def test_refund_of_an_unknown_payment_changes_nothing(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    charge = {"id": new_id("ch"), "object": "charge", "payment_intent": new_id("pi")}
    answer = await deliver(client, event("charge.refunded", charge))
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored: the payment is not a subscription invoice's"
    assert await ledger(context, account.id) == [("signup", 3, None)]


async def test_many_debits_and_a_refund_at_once_never_overdraw(
    client: httpx.AsyncClient, context: AppContext
) -> None:
    account = await register(client)
    sub = await subscribe(client, context, account, "Enterprise")  # 120 credits
    charge = {"id": new_id("ch"), "object": "charge", "invoice": sub.invoice_id}
    answers = await asyncio.gather(
        *(
            client.post("/api/projects/create", json=TEN_MINUTES, headers=account.headers)
            for _ in range(5)
        ),
        deliver(client, event("charge.refunded", charge)),
    )
    renders, refund = answers[:-1], answers[-1]
    assert refund.status_code == 200, refund.text
    started = sum(answer.status_code == 201 for answer in renders)
    assert {answer.status_code for answer in renders} <= {201, 402}
    [clawback] = [row for row in await ledger(context, account.id) if row[0] == "clawback"]
    assert 120 - 30 * started + clawback[1] == 0  # whatever the order, all 120 are accounted
    assert (await account_row(context, account.id)).credits_balance == 0
