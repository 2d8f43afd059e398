"""The users table (seed table 1)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, updated_at_column, uuid_pk
from db.enums import PlanType, Role
from db.types import pg_enum


class User(Base):
    """A person with an account: credentials, role, plan and credit balance."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("credits >= 0", name="credits_not_negative"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(pg_enum(Role, "user_role"), default=Role.CREATOR)
    credits: Mapped[int] = mapped_column(default=0)
    plan_type: Mapped[PlanType] = mapped_column(
        pg_enum(PlanType, "plan_type"), default=PlanType.FREE
    )
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Bumped to revoke every access token issued before (logout everywhere, new password)."""
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set by an administrator: the account cannot sign in or use its tokens."""
    pending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set while the email is unconfirmed (EMAIL_CONFIRMATION): the account cannot sign in."""
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
