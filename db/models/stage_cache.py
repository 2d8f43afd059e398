"""The stage_cache table: the index of stage outputs kept in object storage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StageCacheEntry(Base):
    """One cached stage output stored under cache/<key>: its size and hash (checked on every
    read), when a render last used it (least recently used go first) and until when a running
    render holds it (never evicted before)."""

    __tablename__ = "stage_cache"
    __table_args__ = (Index("ix_stage_cache_last_used", "last_used"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    last_used: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    pinned_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
