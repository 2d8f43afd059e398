"""Body of GET /api/projects/{id}/quality."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class CheckResponse(BaseModel):
    """One publishing check: duration, loudness, true_peak, subtitles, provenance, consent."""

    name: str
    passed: bool
    reason: str


class QualityResponse(BaseModel):
    """Whether the film may be published, and every check with its reason."""

    project_id: uuid.UUID
    publishable: bool = Field(description="Every check passed.")
    checks: list[CheckResponse]
    failed: list[CheckResponse]
