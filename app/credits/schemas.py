"""Request and response bodies of the credit service (field names from the seed)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from db.enums import LedgerReason, PlanType


class BalanceResponse(BaseModel):
    """GET /api/credits/balance."""

    balance: int
    plan_type: PlanType
    credits_per_minute: int
    max_video_length: int
    subscription_start: datetime | None
    subscription_end: datetime | None
    renews_at: datetime | None = Field(
        description="When the current period ends and the next one's credits are granted."
    )
    pending_plan: PlanType | None = Field(
        description="A downgrade that takes effect at the next renewal."
    )
    subscription_status: str | None = Field(description="Stripe's status of the subscription.")
    cancel_at_period_end: bool
    payment_failed: bool = Field(
        description="The last renewal payment failed; the plan stays until Stripe ends it."
    )
    has_billing_account: bool = Field(description="A Stripe customer exists (portal usable).")


class TopupRequest(BaseModel):
    """POST /api/credits/topup."""

    model_config = ConfigDict(json_schema_extra={"example": {"plan_type": "Pro"}})

    plan_type: PlanType


class TopupResponse(BaseModel):
    """The balance after a top-up."""

    credits_balance: int
    plan_type: PlanType
    message: str
    credits_added: int
    subscription_end: datetime


class PlanResponse(BaseModel):
    """One plan of GET /api/credits/plans."""

    model_config = ConfigDict(from_attributes=True)

    plan_type: PlanType
    price: float
    credits_per_month: int
    credits_per_minute: int
    max_video_length: int


class LedgerEntryResponse(BaseModel):
    """One change of the user's credits."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    delta: int
    balance_after: int
    reason: LedgerReason
    note: str
    source_id: str | None
    project_id: uuid.UUID | None
    job_id: uuid.UUID | None
    created_at: datetime


class LedgerResponse(BaseModel):
    """A page of the user's credit history."""

    entries: list[LedgerEntryResponse]
    total: int
    page: int
    per_page: int
