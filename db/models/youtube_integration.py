"""The youtube_integrations table (seed table 4)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, updated_at_column, uuid_pk
from db.enums import UploadStatus
from db.types import pg_enum


class YoutubeIntegration(Base):
    """One upload of a project's film to a YouTube channel."""

    __tablename__ = "youtube_integrations"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(255))
    video_id: Mapped[str | None] = mapped_column(String(255))
    playlist_id: Mapped[str | None] = mapped_column(String(255))
    upload_status: Mapped[UploadStatus] = mapped_column(
        pg_enum(UploadStatus, "upload_status"), default=UploadStatus.PENDING
    )
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
