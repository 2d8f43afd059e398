"""The Stripe calls the studio makes, through the official SDK (async, over httpx)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

import stripe

from app.billing.config import StripeConfig
from app.errors import ServiceUnavailable
from app.storage import studio_base_url
from db.enums import PlanType

MAX_NETWORK_RETRIES = 2
"""The SDK retries connection errors and 409/5xx answers this often (idempotency keys kept)."""

CHECKOUT_RETURN = "/studio/?checkout=success&session_id={CHECKOUT_SESSION_ID}"
CHECKOUT_CANCEL = "/studio/?checkout=cancelled"
PORTAL_RETURN = "/studio/?billing=portal"

T = TypeVar("T")


class StripeUnavailable(ServiceUnavailable):
    """Stripe could not be reached or refused the request; nothing was charged."""

    code = "stripe_unavailable"


class StripeGateway:
    """Customers, Checkout Sessions, Billing Portal sessions and invoice payments."""

    def __init__(self, config: StripeConfig, http_client: stripe.HTTPXClient) -> None:
        self.config = config
        self.client = stripe.StripeClient(
            config.secret_key,
            base_addresses={"api": config.api_base} if config.api_base else None,
            http_client=http_client,
            max_network_retries=MAX_NETWORK_RETRIES,
        )

    async def create_customer(self, user_id: str, email: str, name: str) -> str:
        """A new Stripe customer for this user; its id. One per user, created once."""
        customer = await self._call(
            self.client.v1.customers.create_async(
                params={"email": email, "name": name, "metadata": {"user_id": user_id}},
                options={"idempotency_key": f"customer-{user_id}"},
            )
        )
        return str(customer.id)

    async def checkout_url(self, customer_id: str, user_id: str, plan: PlanType) -> str:
        """A Checkout Session subscribing the customer to the plan's monthly price; its URL."""
        base = studio_base_url(self.config.public_base_url)
        session = await self._call(
            self.client.v1.checkout.sessions.create_async(
                params={
                    "mode": "subscription",
                    "customer": customer_id,
                    "client_reference_id": user_id,
                    "line_items": [{"price": self.config.prices[plan], "quantity": 1}],
                    "success_url": base + CHECKOUT_RETURN,
                    "cancel_url": base + CHECKOUT_CANCEL,
                    "metadata": {"user_id": user_id, "plan_type": plan.value},
                    "subscription_data": {"metadata": {"user_id": user_id}},
                }
            )
        )
        if not session.url:
            raise StripeUnavailable("Stripe returned a Checkout Session without a URL; try again.")
        return str(session.url)

    async def portal_url(self, customer_id: str) -> str:
        """A Billing Portal session for the customer; its URL."""
        portal = await self._call(
            self.client.v1.billing_portal.sessions.create_async(
                params={
                    "customer": customer_id,
                    "return_url": studio_base_url(self.config.public_base_url) + PORTAL_RETURN,
                }
            )
        )
        return str(portal.url)

    async def invoice_for_payment_intent(self, payment_intent_id: str) -> str | None:
        """The invoice a payment intent paid (API versions that dropped charge.invoice)."""
        payments = await self._call(
            self.client.v1.invoice_payments.list_async(
                params={
                    "payment": {"type": "payment_intent", "payment_intent": payment_intent_id},
                    "limit": 1,
                }
            )
        )
        for payment in payments.data:
            invoice = payment.invoice
            return invoice if isinstance(invoice, str) else str(invoice.id)
        return None

    async def _call(self, request: Awaitable[T]) -> T:
        try:
            return await request
        except stripe.APIConnectionError as error:
            raise StripeUnavailable(
                "Stripe could not be reached; nothing was charged. Try again in a minute."
            ) from error
        except stripe.StripeError as error:
            detail = (error.user_message or str(error)).strip().rstrip(".")
            raise StripeUnavailable(
                f"Stripe refused the request ({detail}); nothing was charged."
            ) from error


@asynccontextmanager
async def open_gateway(config: StripeConfig) -> AsyncIterator[StripeGateway]:
    """A gateway whose HTTP connections are closed when the block ends."""
    http_client = stripe.HTTPXClient()
    try:
        yield StripeGateway(config, http_client)
    finally:
        await http_client.close_async()  # type: ignore[no-untyped-call]
