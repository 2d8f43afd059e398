"""Request and response bodies of checkout, the billing portal and the webhook."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from db.enums import PlanType


class CheckoutRequest(BaseModel):
    """POST /api/credits/checkout."""

    model_config = ConfigDict(json_schema_extra={"example": {"plan_type": "Pro"}})

    plan_type: PlanType


class CheckoutResponse(BaseModel):
    """Where to send the creator to pay."""

    checkout_url: str = Field(description="Stripe Checkout; it returns to the studio.")


class PortalResponse(BaseModel):
    """Where the creator manages their subscription."""

    portal_url: str = Field(description="Stripe's Billing Portal: card, plan, cancellation.")


class CheckoutStatusResponse(BaseModel):
    """Whether a checkout's payment has reached the studio (its webhook landed)."""

    status: Literal["waiting", "confirmed"]
    balance: int
    plan_type: PlanType


class WebhookResponse(BaseModel):
    """The answer to Stripe: received, and whether this delivery changed anything."""

    received: bool = True
    duplicate: bool
    outcome: str
