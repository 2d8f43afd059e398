"""Request and response bodies of the admin service."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.users.schemas import ProfileResponse

MAX_ADJUSTMENT = 100_000
"""Most credits one administrator change may add or remove."""
MIN_REASON_CHARS = 3


class UserListResponse(BaseModel):
    """A page of users."""

    users: list[ProfileResponse]
    total: int
    page: int
    per_page: int


class LogEntryResponse(BaseModel):
    """One audit row."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID | None
    user_id: uuid.UUID | None
    action: str
    message: str
    timestamp: datetime


class OutboxEmailResponse(BaseModel):
    """One account email kept in the outbox (no SMTP_URL)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recipient: str
    subject: str
    body: str
    kind: str = Field(description="confirm_email, signup_attempt or password_reset")
    created_at: datetime


class OutboxListResponse(BaseModel):
    """A page of kept emails."""

    emails: list[OutboxEmailResponse]
    total: int
    page: int
    per_page: int


class LogListResponse(BaseModel):
    """A page of audit rows."""

    logs: list[LogEntryResponse]
    total: int
    page: int
    per_page: int


class AdjustCreditsRequest(BaseModel):
    """POST /api/admin/users/{id}/credits: a signed change and why."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"delta": 30, "reason": "Compensation for a failed render"}}
    )

    delta: int = Field(
        ge=-MAX_ADJUSTMENT,
        le=MAX_ADJUSTMENT,
        description="Credits to add (positive) or remove (negative); never zero.",
    )
    reason: str = Field(min_length=3, max_length=200, description="Why; shown in the ledger.")

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be 0; give the credits to add or (negative) remove")
        return value

    @field_validator("reason")
    @classmethod
    def _has_words(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value) < MIN_REASON_CHARS:
            raise ValueError(f"give a reason of at least {MIN_REASON_CHARS} characters")
        return value


class AdjustCreditsResponse(BaseModel):
    """The user's balance after an administrator's change."""

    user_id: uuid.UUID
    delta: int
    credits_balance: int
    reason: str
    ledger_entry_id: uuid.UUID
