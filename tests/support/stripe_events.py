"""Stripe webhook events as Stripe sends them, signed with Stripe's documented scheme:
`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

WEBHOOK_SECRET = "whsec_test_fake_studio_secret"
PRICES = {
    "Standard": "price_standard_test",
    "Pro": "price_pro_test",
    "Enterprise": "price_ent_test",
}
DAY_S = 86_400
PERIOD_S = 30 * DAY_S

_numbers = itertools.count(1)


def new_id(prefix: str) -> str:
    """A unique Stripe-like id."""
    return f"{prefix}_{int(time.time())}{next(_numbers):05d}"


def sign(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header for this body."""
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def event(kind: str, obj: dict[str, Any], created: int | None = None) -> dict[str, Any]:
    """A snapshot event around an object."""
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "type": kind,
        "livemode": False,
        "pending_webhooks": 1,
        "data": {"object": obj},
    }


def body_of(evt: dict[str, Any]) -> bytes:
    """The event as Stripe's request body."""
    return json.dumps(evt, separators=(",", ":")).encode()


def checkout_completed(
    session_id: str, customer: str, user_id: str, subscription: str
) -> dict[str, Any]:
    """checkout.session.completed for a subscription checkout."""
    return event(
        "checkout.session.completed",
        {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "customer": customer,
            "client_reference_id": user_id,
            "subscription": subscription,
            "payment_status": "paid",
            "status": "complete",
        },
    )


def invoice(
    customer: str,
    subscription: str,
    plan: str,
    period_start: int,
    *,
    reason: str = "subscription_create",
    new_shape: bool = True,
    invoice_id: str | None = None,
) -> dict[str, Any]:
    """An invoice for a month of `plan` starting at period_start (new or pre-2025 shape)."""
    line: dict[str, Any] = {
        "id": new_id("il"),
        "object": "line_item",
        "period": {"start": period_start, "end": period_start + PERIOD_S},
    }
    body: dict[str, Any] = {
        "id": invoice_id or new_id("in"),
        "object": "invoice",
        "customer": customer,
        "billing_reason": reason,
        "status": "paid",
        "number": f"TEST-{next(_numbers):04d}",
    }
    if new_shape:
        line["pricing"] = {"type": "price_details", "price_details": {"price": PRICES[plan]}}
        body["parent"] = {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription, "metadata": {}},
        }
    else:
        line["price"] = {"id": PRICES[plan], "object": "price"}
        body["subscription"] = subscription
    body["lines"] = {"object": "list", "data": [line]}
    return body


def subscription(
    sub_id: str, customer: str, plan: str, period_end: int, status: str = "active", **extra: Any
) -> dict[str, Any]:
    """A subscription on `plan`."""
    return {
        "id": sub_id,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": False,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": new_id("si"),
                    "price": {"id": PRICES[plan], "object": "price"},
                    "current_period_end": period_end,
                }
            ],
        },
        **extra,
    }
