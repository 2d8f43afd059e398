"""The projects table (seed table 2)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, updated_at_column, uuid_pk
from db.enums import ProjectStatus, Voice
from db.types import pg_enum


class Project(Base):
    """A creator's film: the script and choices, and where its render stands.

    The seed's video_url and subtitles_url are not stored: the row keeps the storage keys of
    the current film (MP4, SRT, WebVTT) and every read signs fresh links from them.
    """

    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    script: Mapped[str] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSON, default=list)
    voice: Mapped[Voice] = mapped_column(pg_enum(Voice, "voice"))
    duration: Mapped[int] = mapped_column()
    music: Mapped[str] = mapped_column(String(255))
    status: Mapped[ProjectStatus] = mapped_column(
        pg_enum(ProjectStatus, "project_status"), default=ProjectStatus.PENDING
    )
    video_key: Mapped[str | None] = mapped_column(String(500))
    subtitles_key: Mapped[str | None] = mapped_column(String(500))
    subtitles_vtt_key: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(16), default="en")
    aspect: Mapped[str] = mapped_column(String(8), default="16:9")
    resolution: Mapped[str] = mapped_column(String(8), default="720p")
    captions: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    """Text burned into the film: none, subtitles or shorts (pipeline.vocabulary.CAPTIONS)."""
    error: Mapped[str | None] = mapped_column(Text)
    ai_label: Mapped[bool] = mapped_column(default=False, server_default="false")
    """Show the visible "AI-generated" badge in the film and say so in its YouTube description."""
    likeness_revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When consent for one of its face images was revoked (the film is marked; no new renders)."""
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
