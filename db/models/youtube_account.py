"""The youtube_accounts table: the YouTube channel each user connected, and its grant."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, created_at_column, updated_at_column, uuid_pk
from db.types import pg_enum


class YoutubeAccountState(StrEnum):
    """Whether the studio may publish to the account's channel."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class YoutubeAccount(Base):
    """One user's YouTube channel and its encrypted refresh token (one row per user)."""

    __tablename__ = "youtube_accounts"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    channel_id: Mapped[str] = mapped_column(String(255))
    channel_title: Mapped[str] = mapped_column(String(255), default="")
    channel_thumbnail_url: Mapped[str | None] = mapped_column(String(1000))
    encrypted_refresh_token: Mapped[str | None] = mapped_column(Text)
    """The refresh token as app.youtube.token_crypto stores it; None once disconnected."""
    granted_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[YoutubeAccountState] = mapped_column(
        pg_enum(YoutubeAccountState, "youtube_account_state"),
        default=YoutubeAccountState.CONNECTED,
    )
    connected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disconnect_reason: Mapped[str | None] = mapped_column(Text)
    """Why the account was disconnected, in a sentence the user can act on."""
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
