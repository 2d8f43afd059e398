"""The plans table: the seed's four subscription plans."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.enums import PlanType
from db.types import pg_enum


class Plan(Base):
    """A subscription plan: price, monthly credits, credit cost per minute, longest film."""

    __tablename__ = "plans"

    plan_type: Mapped[PlanType] = mapped_column(pg_enum(PlanType, "plan_type"), primary_key=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    credits_per_month: Mapped[int] = mapped_column()
    credits_per_minute: Mapped[int] = mapped_column()
    max_video_length: Mapped[int] = mapped_column()
