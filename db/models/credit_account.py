"""The credits table (seed table 3): plan, balance and subscription state per user."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, uuid_pk
from db.enums import PlanType
from db.types import pg_enum


class CreditAccount(Base):
    """A user's subscription window and credit balance (kept equal to users.credits).

    subscription_start/end are the current period; period_credits is what that period
    granted (at most this much expires when it ends). The stripe_* columns link the user to
    their Stripe customer and subscription; subscription_state_at is the creation time of the
    newest Stripe event applied to the subscription, so older states arriving late are ignored.
    """

    __tablename__ = "credits"
    __table_args__ = (
        CheckConstraint("credits_balance >= 0", name="balance_not_negative"),
        CheckConstraint("period_credits >= 0", name="period_credits_not_negative"),
        Index("ix_credits_subscription_end", "subscription_end"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    plan_type: Mapped[PlanType] = mapped_column(pg_enum(PlanType, "plan_type"))
    credits_balance: Mapped[int] = mapped_column(default=0)
    subscription_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subscription_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    period_credits: Mapped[int] = mapped_column(default=0, server_default="0")
    pending_plan: Mapped[PlanType | None] = mapped_column(pg_enum(PlanType, "plan_type"))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255))
    subscription_status: Mapped[str | None] = mapped_column(String(32))
    subscription_state_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_at_period_end: Mapped[bool] = mapped_column(default=False, server_default="false")
    current_invoice_id: Mapped[str | None] = mapped_column(String(255))
    payment_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
