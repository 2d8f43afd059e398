"""What each Stripe event does to a studio account (applied once, in the caller's transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import periods
from app.billing.config import StripeConfig
from app.billing.stripe_objects import (
    Json,
    as_id,
    invoice_period,
    invoice_price,
    invoice_subscription,
    metadata_user,
    subscription_period_end,
    subscription_price,
    timestamp,
)
from db.enums import LedgerReason, PlanType
from db.models import CreditAccount
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import plans as plan_repo

RENEWAL_INVOICES = frozenset({"subscription_create", "subscription_cycle", "subscription"})
"""Invoices that pay for a period (an upgrade's proration invoice grants nothing: the
difference is granted when the subscription changes)."""

LIVE_STATUSES = frozenset({"active", "trialing", "past_due"})

InvoiceFinder = Callable[[str], Awaitable[str | None]]
"""Finds the invoice a payment intent paid (through Stripe's API)."""


@dataclass(frozen=True)
class Applied:
    """What applying an event did, for the stored event row."""

    outcome: str
    user_id: uuid.UUID | None = None


@dataclass(frozen=True)
class EventInput:
    """One verified event and what handling it needs."""

    session: AsyncSession
    config: StripeConfig
    event: Json
    find_invoice: InvoiceFinder

    @property
    def obj(self) -> Json:
        """The event's object (an invoice, a subscription...)."""
        data: Json = self.event["data"]["object"]
        return data

    @property
    def created(self) -> datetime:
        """When Stripe created the event."""
        return timestamp(self.event.get("created")) or datetime.now(UTC)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def _account(
    session: AsyncSession, customer: str | None, user_id: uuid.UUID | None
) -> CreditAccount | None:
    """The locked credits row of the customer's user (or of the given user)."""
    found = await credit_repo.find_by_customer(session, customer) if customer else None
    target = found.user_id if found else user_id
    return await credit_repo.lock_account(session, target) if target else None


async def checkout_completed(given: EventInput) -> Applied:
    """Link the Stripe customer and subscription to the user who checked out."""
    checkout = given.obj
    if checkout.get("mode") != "subscription":
        return Applied("ignored: not a subscription checkout")
    customer = as_id(checkout.get("customer"))
    user_id = _uuid(checkout.get("client_reference_id")) or _uuid(metadata_user(checkout))
    account = await _account(given.session, None, user_id) if user_id else None
    if account is None:
        account = await _account(given.session, customer, None)
    if account is None:
        return Applied("ignored: no studio user for this checkout")
    values: dict[str, Any] = {"stripe_subscription_id": as_id(checkout.get("subscription"))}
    if account.stripe_customer_id is None and customer:
        values["stripe_customer_id"] = customer
    await credit_repo.update_account(given.session, account.user_id, **values)
    await log_repo.add(
        given.session,
        "billing.checkout",
        f"Checkout {checkout.get('id')} completed; credits come with the paid invoice",
        user_id=account.user_id,
    )
    return Applied("applied: subscription linked", account.user_id)


async def invoice_paid(given: EventInput) -> Applied:
    """A paid period: its plan's monthly credits, the last period's unspent ones expiring."""
    invoice = given.obj
    reason = invoice.get("billing_reason")
    if reason not in RENEWAL_INVOICES:
        return Applied(f"ignored: a {reason} invoice grants no credits")
    account = await _account(
        given.session, as_id(invoice.get("customer")), _uuid(_invoice_user(invoice))
    )
    if account is None:
        return Applied("ignored: no studio user for this customer")
    plan_type = given.config.plan_for_price(invoice_price(invoice) or "")
    start, end = invoice_period(invoice)
    if plan_type is None or start is None or end is None:
        await log_repo.add(
            given.session,
            "billing.unknown_price",
            f"Invoice {invoice['id']} is for price {invoice_price(invoice)}, which is no "
            "plan's STRIPE_PRICE_*; no credits granted",
            user_id=account.user_id,
        )
        return Applied("ignored: the invoice's price is no plan's", account.user_id)
    if account.current_invoice_id is not None and start < account.subscription_start:
        return Applied("ignored: a period older than the current one", account.user_id)
    plan = await plan_repo.get(given.session, plan_type)
    state_at = max(filter(None, (account.subscription_state_at, given.created)))
    granted = await periods.start_period(
        given.session,
        account,
        plan,
        start,
        end,
        str(invoice["id"]),
        f"{plan_type} plan: monthly credits (invoice {invoice.get('number') or invoice['id']})",
        current_invoice_id=str(invoice["id"]),
        payment_failed_at=None,
        stripe_customer_id=account.stripe_customer_id or as_id(invoice.get("customer")),
        stripe_subscription_id=invoice_subscription(invoice) or account.stripe_subscription_id,
        subscription_status="active",
        subscription_state_at=state_at,
    )
    if not granted:
        return Applied("ignored: this invoice's credits were already granted", account.user_id)
    return Applied(f"applied: {plan.credits_per_month} credits granted", account.user_id)


def _invoice_user(invoice: Json) -> str | None:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return metadata_user(details) or metadata_user(invoice.get("subscription_details") or {})


async def subscription_changed(given: EventInput) -> Applied:
    """A plan switch (upgrade now, downgrade at renewal), a cancellation or a status change."""
    sub = given.obj
    account = await _account(given.session, as_id(sub.get("customer")), _uuid(metadata_user(sub)))
    if account is None:
        return Applied("ignored: no studio user for this customer")
    if account.subscription_state_at and given.created < account.subscription_state_at:
        return Applied("ignored: older than the subscription state applied", account.user_id)
    status = str(sub.get("status") or "")
    values: dict[str, Any] = {
        "stripe_subscription_id": sub.get("id"),
        "subscription_status": status[:32],
        "cancel_at_period_end": bool(sub.get("cancel_at_period_end") or sub.get("cancel_at")),
        "subscription_state_at": given.created,
    }
    plan_type = given.config.plan_for_price(subscription_price(sub) or "")
    paid_period = account.plan_type is not PlanType.FREE and account.current_invoice_id
    what = f"subscription {status}"
    upgrade_to = None
    if plan_type is not None and status in LIVE_STATUSES and paid_period:
        if periods.rank(plan_type) > periods.rank(account.plan_type):
            upgrade_to = plan_type
        elif periods.rank(plan_type) < periods.rank(account.plan_type):
            values["pending_plan"] = plan_type
            end = subscription_period_end(sub) or account.subscription_end
            what = f"switches to {plan_type} at the renewal on {end:%Y-%m-%d}" if end else what
        else:
            values["pending_plan"] = None
    await credit_repo.update_account(given.session, account.user_id, **values)
    if upgrade_to is not None:
        plan = await plan_repo.get(given.session, upgrade_to)
        source = f"{sub.get('id')}:{upgrade_to}:{account.subscription_start.isoformat()}"
        added = await periods.upgrade(given.session, account, plan, source)
        what = f"upgraded to {upgrade_to}, {added} credits granted"
    if values["cancel_at_period_end"]:
        what += "; cancels at the period's end"
    await log_repo.add(
        given.session,
        "billing.subscription",
        f"Subscription {sub.get('id')}: {what}",
        user_id=account.user_id,
    )
    return Applied(f"applied: {what}", account.user_id)


async def subscription_deleted(given: EventInput) -> Applied:
    """The subscription ended: back to the Free plan (its period starts now)."""
    sub = given.obj
    account = await _account(given.session, as_id(sub.get("customer")), _uuid(metadata_user(sub)))
    if account is None:
        return Applied("ignored: no studio user for this customer")
    if account.stripe_subscription_id not in (None, sub.get("id")):
        return Applied("ignored: not the user's current subscription", account.user_id)
    values: dict[str, Any] = {
        "stripe_subscription_id": None,
        "payment_failed_at": None,
        "subscription_status": "canceled",
        "cancel_at_period_end": False,
        "current_invoice_id": None,
        "subscription_state_at": given.created,
    }
    if account.plan_type is PlanType.FREE:
        await credit_repo.update_account(given.session, account.user_id, **values)
        return Applied("applied: subscription ended before any paid period", account.user_id)
    free = await plan_repo.get(given.session, PlanType.FREE)
    now = datetime.now(UTC)
    await periods.start_period(
        given.session,
        account,
        free,
        now,
        now + periods.FREE_PERIOD,
        f"ended:{sub.get('id')}",
        f"{account.plan_type} subscription ended: Free plan credits",
        **values,
    )
    await log_repo.add(
        given.session,
        "billing.subscription_ended",
        f"Subscription {sub.get('id')} ended; back to the Free plan",
        user_id=account.user_id,
    )
    return Applied("applied: back to the Free plan", account.user_id)


async def payment_failed(given: EventInput) -> Applied:
    """A renewal payment failed: the plan stays until Stripe ends it; the studio warns."""
    invoice = given.obj
    account = await _account(
        given.session, as_id(invoice.get("customer")), _uuid(_invoice_user(invoice))
    )
    if account is None:
        return Applied("ignored: no studio user for this customer")
    if account.subscription_state_at and given.created < account.subscription_state_at:
        return Applied("ignored: older than the payment state applied", account.user_id)
    await credit_repo.update_account(
        given.session, account.user_id, payment_failed_at=given.created
    )
    await log_repo.add(
        given.session,
        "billing.payment_failed",
        f"Payment of invoice {invoice.get('id')} failed; Stripe retries it and the plan "
        "stays until Stripe ends the subscription",
        user_id=account.user_id,
    )
    return Applied("applied: payment failure noted", account.user_id)


async def _claw_back(given: EventInput, invoice_id: str | None, why: str) -> Applied:
    source = str(given.obj.get("id"))
    if invoice_id is None:
        return Applied("ignored: the payment is not a subscription invoice's")
    user_id = await credit_repo.user_for_source(given.session, LedgerReason.GRANT, invoice_id)
    account = await _account(given.session, None, user_id)
    if account is None:
        return Applied(f"ignored: invoice {invoice_id} granted no credits")
    taken = await periods.claw_back(given.session, account, invoice_id, why, source)
    if taken is None:
        return Applied(f"ignored: invoice {invoice_id} was already clawed back", account.user_id)
    return Applied(f"applied: {taken} credits taken back", account.user_id)


async def _invoice_of(given: EventInput, charge: Json) -> str | None:
    direct = as_id(charge.get("invoice"))
    if direct:
        return direct
    intent = as_id(charge.get("payment_intent"))
    return await given.find_invoice(intent) if intent else None


async def charge_refunded(given: EventInput) -> Applied:
    """A refunded payment: its invoice's unspent credits are taken back."""
    return await _claw_back(given, await _invoice_of(given, given.obj), "Payment refunded")


async def dispute_created(given: EventInput) -> Applied:
    """A disputed payment: its invoice's unspent credits are taken back."""
    dispute = given.obj
    charge = dispute.get("charge")
    target = charge if isinstance(charge, dict) else dispute
    return await _claw_back(given, await _invoice_of(given, target), "Payment disputed")


HANDLERS: dict[str, Callable[[EventInput], Awaitable[Applied]]] = {
    "checkout.session.completed": checkout_completed,
    "invoice.paid": invoice_paid,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_deleted,
    "invoice.payment_failed": payment_failed,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
}


async def apply(given: EventInput) -> Applied:
    """Apply a verified event; events the studio does not use are stored and ignored."""
    handler = HANDLERS.get(str(given.event.get("type")))
    if handler is None:
        return Applied(f"ignored: the studio does not use {given.event.get('type')} events")
    return await handler(given)
