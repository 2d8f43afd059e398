"""The likeness_consents table: the uploader's statement that the face in an image may speak."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, uuid_pk

SHA256_HEX_CHARS = 64
CLIENT_ADDRESS_CHARS = 64


class LikenessConsent(Base):
    """Who agreed to which statement version for which image (by hash), when, from where;
    and, once an admin revokes it, when, by whom and why."""

    __tablename__ = "likeness_consents"
    __table_args__ = (
        Index("ix_likeness_consents_created_at", "created_at"),
        Index("ix_likeness_consents_upload_id", "upload_id", unique=True),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    upload_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    statement_version: Mapped[str] = mapped_column(String(32))
    image_sha256: Mapped[str] = mapped_column(String(SHA256_HEX_CHARS))
    client_address: Mapped[str | None] = mapped_column(String(CLIENT_ADDRESS_CHARS))
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoke_reason: Mapped[str | None] = mapped_column(Text)
