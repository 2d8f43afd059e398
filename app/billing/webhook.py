"""Verifying a webhook delivery with the SDK's signature check, then reading its event."""

from __future__ import annotations

import json

import stripe

from app.billing.config import StripeConfig
from app.billing.stripe_objects import Json
from app.errors import BadRequest

BAD_SIGNATURE = (
    "The Stripe-Signature header does not match this body, the webhook secret or a recent "
    "time; nothing was changed."
)


def verify_event(payload: bytes, signature: str | None, config: StripeConfig) -> Json:
    """The event in a delivery whose signature is valid and fresh; 400 otherwise."""
    if not signature:
        raise BadRequest(
            "Missing Stripe-Signature header; only Stripe may call this endpoint.",
            code="invalid_signature",
        )
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature, config.webhook_secret, config.webhook_tolerance_s
        )
    except (UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        raise BadRequest(BAD_SIGNATURE, code="invalid_signature") from error
    try:
        event = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest("The event body is not JSON.", code="invalid_event") from error
    if not _well_formed(event):
        raise BadRequest(
            "The event lacks an id, a type, a created time or data.object.",
            code="invalid_event",
        )
    result: Json = event
    return result


def _well_formed(event: object) -> bool:
    if not isinstance(event, dict):
        return False
    data = event.get("data")
    return (
        isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("created"), int)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    )
