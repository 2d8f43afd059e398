"""The append-only credit ledger: one row for every change of a user's balance."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, uuid_pk
from db.enums import LedgerReason
from db.types import pg_enum


class CreditLedgerEntry(Base):
    """A signed change of credits with the balance after it; a job is debited and refunded once,
    a Stripe invoice granted and clawed back once."""

    __tablename__ = "credit_ledger"
    __table_args__ = (
        Index(
            "uq_credit_ledger_job_reason",
            "job_id",
            "reason",
            unique=True,
            postgresql_where=text("job_id IS NOT NULL"),
        ),
        Index("ix_credit_ledger_user_id_created_at", "user_id", "created_at"),
        Index(
            "uq_credit_ledger_reason_source",
            "reason",
            "source_id",
            unique=True,
            postgresql_where=text("source_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column()
    balance_after: Mapped[int] = mapped_column()
    reason: Mapped[LedgerReason] = mapped_column(pg_enum(LedgerReason, "ledger_reason"))
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL")
    )
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    note: Mapped[str] = mapped_column(String(255), default="")
    source_id: Mapped[str | None] = mapped_column(String(255))
    """What caused the change outside the studio: the Stripe object id (in_..., ch_..., dp_...,
    sub_...) or the Free period renewed; one row per reason and source."""
    created_at: Mapped[datetime] = created_at_column()
