"""The email_outbox table: account emails kept when no SMTP server is configured."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, uuid_pk


class OutboxEmail(Base):
    """One email the studio would have sent (confirmation, password reset, sign-up notice)."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_created_at", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    """What the email is for: confirm_email, signup_attempt, password_reset."""
    created_at: Mapped[datetime] = created_at_column()
