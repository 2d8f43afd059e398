"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.deps import Context
from app.errors import error_body
from db.migrate import head_revision

router = APIRouter(tags=["health"])


def _unavailable(message: str) -> JSONResponse:
    return JSONResponse(error_body(message, "not_ready", status="unavailable"), status_code=503)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Database unreachable or not migrated"}})
async def readyz(context: Context) -> JSONResponse:
    """The database answers and its schema is at the newest migration."""
    head = head_revision()
    try:
        async with context.engine.connect() as connection:
            current = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as error:  # any failure means not ready; the reason is reported
        return _unavailable(f"Database unreachable: {type(error).__name__}.")
    if current != head:
        return _unavailable(
            f"Schema at {current}, code expects {head}; run `filmstudio db upgrade`."
        )
    return JSONResponse({"status": "ready", "revision": current})
