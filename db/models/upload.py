"""The uploads table: character images and music tracks a user uploaded."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, uuid_pk
from db.enums import UploadKind
from db.types import pg_enum


class Upload(Base):
    """A stored file of a user's, referenced from projects as `<id>/<filename>`."""

    __tablename__ = "uploads"
    __table_args__ = (Index("ix_uploads_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[UploadKind] = mapped_column(pg_enum(UploadKind, "upload_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column()
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    face_detected: Mapped[bool] = mapped_column(default=False, server_default="false")
    """A face was found in the image at upload (its use needs a likeness consent)."""
    created_at: Mapped[datetime] = created_at_column()

    @property
    def ref(self) -> str:
        """The reference a project's `images` or `music` holds: `<id>/<filename>`."""
        return f"{self.id}/{self.filename}"
