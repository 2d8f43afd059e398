"""Progress reports from a running job's worker thread (plain psycopg, autocommit).

A report only touches a running job and says whether it still is, so the same round trip
tells the worker when the job was cancelled (or deleted) and must stop.
"""

from __future__ import annotations

import uuid

import psycopg

_REPORT = (
    "UPDATE jobs SET progress = %s, stage = %s, eta_s = %s, updated_at = now() "
    "WHERE id = %s AND status = 'running' RETURNING status::text"
)


def report(
    connection: psycopg.Connection[tuple[str]],
    job_id: uuid.UUID,
    progress_percent: float,
    stage: str,
    eta_s: float | None,
) -> str | None:
    """Store a running job's progress; "running", or None when the job was cancelled, ended
    elsewhere or deleted (nothing is written then)."""
    row = connection.execute(_REPORT, (progress_percent, stage[:64], eta_s, job_id)).fetchone()
    return row[0] if row else None
