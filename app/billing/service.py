"""Billing rules: subscribing through Checkout, the Billing Portal, and applying webhooks once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.billing import events
from app.billing.config import StripeConfig, stripe_config
from app.billing.events import LIVE_STATUSES, EventInput
from app.billing.gateway import StripeGateway, open_gateway
from app.billing.schemas import CheckoutStatusResponse, WebhookResponse
from app.billing.stripe_objects import as_id, timestamp
from app.billing.webhook import verify_event
from app.config import Settings
from app.errors import Conflict, Unprocessable
from db.enums import PlanType
from db.models import User
from db.repositories import billing as billing_repo
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo


def _check_paid_plan(plan_type: PlanType) -> None:
    if plan_type is PlanType.FREE:
        raise Unprocessable(
            "The Free plan needs no payment; choose Standard, Pro or Enterprise.",
            code="free_plan",
        )


async def _customer(session: AsyncSession, gateway: StripeGateway, user: User) -> str:
    """The user's Stripe customer, created on first use (an idempotency key per user makes
    concurrent first uses get one customer)."""
    account = await credit_repo.get_account(session, user.id)
    if account is not None and account.stripe_customer_id:
        return account.stripe_customer_id
    customer = await gateway.create_customer(str(user.id), user.email, user.name)
    await credit_repo.update_account(session, user.id, stripe_customer_id=customer)
    return customer


async def checkout_url(
    session: AsyncSession, settings: Settings, user: User, plan_type: PlanType
) -> str:
    """A Stripe Checkout URL subscribing the user to a paid plan."""
    _check_paid_plan(plan_type)
    config = stripe_config(settings)
    account = await credit_repo.get_account(session, user.id)
    if (
        account is not None
        and account.stripe_subscription_id
        and (account.subscription_status in LIVE_STATUSES)
    ):
        raise Conflict(
            "You already have a subscription; switch plans or cancel in the billing portal "
            "(POST /api/credits/portal).",
            code="already_subscribed",
        )
    async with open_gateway(config) as gateway:
        customer = await _customer(session, gateway, user)
        url = await gateway.checkout_url(customer, str(user.id), plan_type)
    await log_repo.add(
        session,
        "billing.checkout_started",
        f"Checkout opened for the {plan_type} plan",
        user_id=user.id,
    )
    return url


async def portal_url(session: AsyncSession, settings: Settings, user: User) -> str:
    """A Stripe Billing Portal URL for the user's customer."""
    config = stripe_config(settings)
    account = await credit_repo.get_account(session, user.id)
    if account is None or not account.stripe_customer_id:
        raise Conflict(
            "You have no billing account yet; subscribe to a plan first "
            "(POST /api/credits/checkout).",
            code="no_billing_account",
        )
    async with open_gateway(config) as gateway:
        return await gateway.portal_url(account.stripe_customer_id)


async def checkout_status(
    session: AsyncSession, user: User, checkout_session_id: str
) -> CheckoutStatusResponse:
    """Confirmed once the checkout's completion and its paid invoice have both landed."""
    event = await billing_repo.find_for_object(
        session, "checkout.session.completed", checkout_session_id
    )
    account = await credit_repo.get_account(session, user.id)
    confirmed = (
        event is not None
        and event.user_id == user.id
        and account is not None
        and account.current_invoice_id is not None
        and account.plan_type is not PlanType.FREE
    )
    return CheckoutStatusResponse(
        status="confirmed" if confirmed else "waiting",
        balance=user.credits,
        plan_type=account.plan_type if account else user.plan_type,
    )


async def receive_webhook(
    session: AsyncSession, settings: Settings, payload: bytes, signature: str | None
) -> WebhookResponse:
    """Verify a delivery, store its event by id, and apply it if it is new.

    The insert of the event row and its effects share the caller's transaction: a failure
    stores nothing (Stripe delivers again) and a repeat finds the row and changes nothing.
    """
    config = stripe_config(settings)
    event = verify_event(payload, signature, config)
    obj = event["data"]["object"]
    created = timestamp(event["created"]) or datetime.now(UTC)
    stored = await billing_repo.store_event(
        session, event["id"], event["type"], created, as_id(obj.get("id")), event
    )
    if not stored:
        return WebhookResponse(duplicate=True, outcome="already received")
    applied = await events.apply(EventInput(session, config, event, _invoice_finder(config)))
    await billing_repo.set_outcome(session, event["id"], applied.outcome, applied.user_id)
    return WebhookResponse(duplicate=False, outcome=applied.outcome)


def _invoice_finder(config: StripeConfig) -> events.InvoiceFinder:
    async def find(payment_intent: str) -> str | None:
        async with open_gateway(config) as gateway:
            return await gateway.invoice_for_payment_intent(payment_intent)

    return find
