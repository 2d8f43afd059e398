"""Response bodies of the admin service."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.users.schemas import ProfileResponse


class UserListResponse(BaseModel):
    """A page of users."""

    users: list[ProfileResponse]
    total: int
    page: int
    per_page: int


class LogEntryResponse(BaseModel):
    """One audit row."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID | None
    user_id: uuid.UUID | None
    action: str
    message: str
    timestamp: datetime


class LogListResponse(BaseModel):
    """A page of audit rows."""

    logs: list[LogEntryResponse]
    total: int
    page: int
    per_page: int
