"""What a worker process holds while it runs jobs."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.storage import Storage


@dataclass
class WorkerContext:
    """Settings, database, storage and scratch space shared by a worker's jobs."""

    settings: Settings
    database_url: str
    sessions: async_sessionmaker[AsyncSession]
    storage: Storage
    name: str = field(default_factory=socket.gethostname)

    @property
    def work_dir(self) -> Path:
        """Scratch space for jobs."""
        return self.settings.work_dir

    @property
    def model_dir(self) -> Path:
        """Where neural model weights live."""
        return self.settings.resolved_model_dir
