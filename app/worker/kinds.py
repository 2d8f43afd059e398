"""What each kind of job does: read its inputs, do the work in a thread, record the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.storage import Storage
from db.models import Job
from pipeline.types import ProgressCallback


class JobWork(Protocol):
    """The three steps of one kind of job; the runner wraps them in the job's lifecycle."""

    async def prepare(self, session: AsyncSession, job: Job) -> Any:
        """Read everything the work needs from the database (no I/O after this)."""

    def run(self, inputs: Any, storage: Storage, folder: Path, progress: ProgressCallback) -> Any:
        """Do the work in a worker thread; store outputs; return what finish() records."""

    async def finish(self, session: AsyncSession, job: Job, outcome: Any) -> bool:
        """Mark the job complete with its outcome; False when it is no longer running."""

    def output_prefix(self, job: Job) -> str:
        """Where the job stores its outputs (deleted when the job ends any other way)."""
