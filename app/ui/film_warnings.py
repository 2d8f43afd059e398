"""What went wrong inside a film's render, as its creator should hear it: the warnings the
worker logged for the film's latest job (e.g. characters shown as title cards)."""

from __future__ import annotations

import uuid
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from app.worker.job_warnings import WARNING_ACTION
from db.repositories import logs as log_repo

MAX_WARNINGS = 20
"""Warnings shown for one render (the newest)."""


async def render_warnings(
    session: AsyncSession, project_id: uuid.UUID, job_id: uuid.UUID | None
) -> list[str]:
    """The warnings of the film's latest job, oldest first, each once."""
    if job_id is None:
        return []
    page = await log_repo.list_page(
        session, 0, MAX_WARNINGS, project_id=project_id, action=WARNING_ACTION
    )
    marker = f" job {job_id}: "
    warnings: list[str] = []
    for row in reversed(list(page.items)):
        if marker in row.message:
            text = row.message.split(marker, 1)[1].strip()
            if text and text not in warnings:
                warnings.append(text)
    return warnings


def warnings_html(warnings: list[str]) -> str:
    """A warning box listing the render's warnings ('' when there are none)."""
    if not warnings:
        return ""
    items = "".join(f"<li>{escape(warning)}</li>" for warning in warnings)
    return (
        '<div class="notice notice-warning render-warnings" role="status">'
        "<p><strong>Notes from this render</strong></p>"
        f"<ul>{items}</ul></div>"
    )
