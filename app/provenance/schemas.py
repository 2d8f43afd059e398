"""Response body of GET /api/projects/{id}/provenance."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field


class ValidationFailure(BaseModel):
    """One check the C2PA reader failed (code from the C2PA specification)."""

    code: str
    explanation: str


class ProvenanceResponse(BaseModel):
    """The Content Credentials read back from the stored film with the C2PA reader."""

    project_id: uuid.UUID
    present: bool = Field(description="The film carries a C2PA manifest.")
    validation_state: str | None = Field(
        description="The reader's verdict: Valid (signature and hashes check out), Trusted "
        "(and the signer chains to a trust anchor), Invalid; null without a manifest."
    )
    valid: bool
    trusted: bool
    digital_source_type: str | None = None
    ingredient_hashes: list[str] = Field(default_factory=list)
    failures: list[ValidationFailure] = Field(default_factory=list)
    manifest: dict[str, Any] | None = Field(
        default=None, description="The active manifest as the C2PA reader reports it."
    )
    error: str | None = None
