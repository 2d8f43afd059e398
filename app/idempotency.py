"""Idempotency-Key for POSTs that queue work: a retried request gets the first answer.

The same key with the same body returns the stored answer (nothing is queued or charged
again); the same key with another body gets 409. Keys are per user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BadRequest, Conflict
from db.models import User
from db.repositories import idempotency as key_repo

HEADER = "Idempotency-Key"
MAX_KEY_CHARS = 255


def fingerprint(request: Request, body: BaseModel | None) -> str:
    """A hash of the method, path and parsed body."""
    payload = {
        "method": request.method,
        "path": request.url.path,
        "body": jsonable_encoder(body) if body is not None else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def respond_once(
    session: AsyncSession,
    user: User,
    request: Request,
    body: BaseModel | None,
    status_code: int,
    produce: Callable[[], Awaitable[BaseModel]],
) -> JSONResponse:
    """Run produce() unless this Idempotency-Key already has an answer; answer as JSON."""
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(jsonable_encoder(await produce()), status_code=status_code)
    if not key.strip() or len(key) > MAX_KEY_CHARS:
        raise BadRequest(f"{HEADER} must be 1 to {MAX_KEY_CHARS} characters.")
    request_hash = fingerprint(request, body)
    if not await key_repo.claim(session, user.id, key, request_hash):
        return _replay(await key_repo.get(session, user.id, key), request_hash)
    answer: dict[str, Any] = jsonable_encoder(await produce())
    await key_repo.store_response(session, user.id, key, status_code, answer)
    return JSONResponse(answer, status_code=status_code, headers={"Idempotent-Replayed": "false"})


def _replay(stored: Any, request_hash: str) -> JSONResponse:
    if stored is None or stored.response_status == key_repo.PENDING_STATUS:
        raise Conflict(f"A request with this {HEADER} is still in progress; retry shortly.")
    if stored.request_hash != request_hash:
        raise Conflict(
            f"This {HEADER} was already used for a different request; use a new key.",
            code="idempotency_key_reused",
        )
    return JSONResponse(
        stored.response_body,
        status_code=stored.response_status,
        headers={"Idempotent-Replayed": "true"},
    )
