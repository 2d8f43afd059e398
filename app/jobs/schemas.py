"""Response bodies of the job endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from db.enums import JobKind, JobStatus


class JobQueuedResponse(BaseModel):
    """The seed's answer to a POST that queues AI work."""

    job_id: uuid.UUID
    status: JobStatus
    estimated_time: str = Field(description="A range such as '3-5 minutes'.")
    estimated_seconds: float
    estimate_basis: str
    credits_charged: int
    project_id: uuid.UUID | None
    queue_position: int | None = Field(
        default=None, description="Jobs queued ahead of this one (0: next to start)."
    )


class JobResponse(BaseModel):
    """GET /api/ai/jobs/{id}: where a job stands."""

    job_id: uuid.UUID
    kind: JobKind
    status: JobStatus
    progress: float = Field(description="0-100.")
    stage: str
    eta_seconds: float | None
    attempts: int
    error: str | None
    credits: int
    project_id: uuid.UUID | None
    output_url: str | None = Field(description="Signed link to the job's output when complete.")
    result: dict[str, Any]
    queue_position: int | None = Field(
        default=None, description="Jobs queued ahead of this one; null once it has started."
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
