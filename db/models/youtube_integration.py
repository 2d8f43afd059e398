"""The youtube_integrations table (seed table 4): one row per upload of a film."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, updated_at_column, uuid_pk
from db.enums import UploadStatus
from db.types import pg_enum


class YoutubeIntegration(Base):
    """One upload of a project's film to a YouTube channel, and how it went."""

    __tablename__ = "youtube_integrations"
    __table_args__ = (
        Index("ix_youtube_integrations_user_id_created_at", "user_id", "created_at"),
        Index("ix_youtube_integrations_project_id", "project_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(255))
    video_id: Mapped[str | None] = mapped_column(String(255))
    """YouTube's id of the video; None until the upload went through."""
    playlist_id: Mapped[str | None] = mapped_column(String(255))
    upload_status: Mapped[UploadStatus] = mapped_column(
        pg_enum(UploadStatus, "upload_status"), default=UploadStatus.PENDING
    )
    error: Mapped[str | None] = mapped_column(Text)
    """Why the upload failed, in a sentence a person can act on (the failure message)."""
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    """Machine code of the failure: quota_exceeded, access_revoked, rejected_file ..."""
    caption_id: Mapped[str | None] = mapped_column(String(255))
    thumbnail_set: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Steps after the upload that did not happen: [{step, code, message}]."""
    privacy: Mapped[str] = mapped_column(String(16), default="private", server_default="private")
    made_for_kids: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    contains_synthetic_media: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    """YouTube's altered-or-synthetic-content disclosure sent with the video."""
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
