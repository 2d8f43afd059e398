"""Throttled progress reports from a job's worker thread, which also notice cancellation."""

from __future__ import annotations

import time
import uuid

import psycopg

from db.repositories import job_progress
from db.urls import libpq_url
from pipeline.errors import RenderCancelled

REPORT_INTERVAL_S = 0.5
"""At most two database writes a second per job; cancellation is noticed within this time."""

MIN_FRACTION_FOR_ETA = 0.03
"""Below this share of the work the elapsed time says too little to extrapolate."""

PERCENT = 100.0


class JobCancelled(RenderCancelled):
    """The job was cancelled or deleted while it ran."""


class ProgressReporter:
    """A pipeline progress callback writing stage, percentage and ETA to the job's row."""

    def __init__(self, database_url: str, job_id: uuid.UUID) -> None:
        self._job_id = job_id
        self._connection: psycopg.Connection[tuple[str]] = psycopg.connect(
            libpq_url(database_url), autocommit=True
        )
        self._started = time.monotonic()
        self._last_report = 0.0
        self._last_stage = ""
        self.fraction = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        """Record progress; raise JobCancelled when the job is no longer running."""
        self.fraction = max(self.fraction, min(1.0, fraction))
        now = time.monotonic()
        if stage == self._last_stage and now - self._last_report < REPORT_INTERVAL_S:
            return
        self._last_stage = stage
        self._last_report = now
        status = job_progress.report(
            self._connection,
            self._job_id,
            round(self.fraction * PERCENT, 1),
            stage,
            self.eta_s(now),
        )
        if status is None:
            raise JobCancelled("The job was cancelled or deleted while it ran.")

    def eta_s(self, now: float) -> float | None:
        """Seconds left, extrapolated from the time taken so far."""
        if self.fraction < MIN_FRACTION_FOR_ETA:
            return None
        elapsed = now - self._started
        return round(elapsed * (1.0 - self.fraction) / self.fraction, 1)

    def close(self) -> None:
        """Release the database connection."""
        self._connection.close()
