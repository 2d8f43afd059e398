"""The credits table (seed table 3): plan and balance per user."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, uuid_pk
from db.enums import PlanType
from db.types import pg_enum


class CreditAccount(Base):
    """A user's subscription window and credit balance (kept equal to users.credits)."""

    __tablename__ = "credits"
    __table_args__ = (CheckConstraint("credits_balance >= 0", name="balance_not_negative"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    plan_type: Mapped[PlanType] = mapped_column(pg_enum(PlanType, "plan_type"))
    credits_balance: Mapped[int] = mapped_column(default=0)
    subscription_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    subscription_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
