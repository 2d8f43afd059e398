"""Stripe webhook events: each stored by its id and applied exactly once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class BillingEvent(Base):
    """One Stripe event as delivered, and what applying it did."""

    __tablename__ = "billing_events"
    __table_args__ = (Index("ix_billing_events_user_id_received_at", "user_id", "received_at"),)

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    """Stripe's event id (evt_...)."""
    type: Mapped[str] = mapped_column(String(255))
    stripe_created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    object_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(500), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
