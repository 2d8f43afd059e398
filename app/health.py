"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.deps import Context
from db.migrate import head_revision

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(context: Context) -> JSONResponse:
    """The database answers and its schema is at the newest migration."""
    head = head_revision()
    try:
        async with context.engine.connect() as connection:
            current = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as error:  # any failure means not ready; the reason is reported
        return JSONResponse(
            {"status": "unavailable", "detail": f"Database unreachable: {type(error).__name__}."},
            status_code=503,
        )
    if current != head:
        return JSONResponse(
            {
                "status": "unavailable",
                "detail": f"Schema at {current}, code expects {head}; run `filmstudio db upgrade`.",
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "revision": current})
