"""Revocable sessions: a token is good while its user exists, is enabled and has the token's
version. The API checks the user row it loads anyway; the studio's cookie checks go through a
short per-process cache so its many asset requests cost no query each."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.security import InvalidToken, TokenClaims, read_token
from db.models import User
from db.repositories import users as user_repo

SESSION_CACHE_TTL_S = 5.0
"""How long another process may keep honouring a revoked studio session, at most."""

MAX_CACHED_USERS = 10_000


@dataclass(frozen=True)
class _Known:
    version: int | None
    """None: the account is gone or disabled."""
    fetched_at: float


def token_is_current(user: User | None, claims: TokenClaims) -> bool:
    """Whether the token still stands for this user: not deleted, not disabled, not revoked."""
    return (
        user is not None and user.disabled_at is None and user.token_version == claims.token_version
    )


class SessionCache:
    """Each user's current token version, read from the database at most every few seconds."""

    def __init__(self, ttl_s: float = SESSION_CACHE_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._known: dict[uuid.UUID, _Known] = {}

    def forget(self, user_id: uuid.UUID) -> None:
        """Drop a user's cached version (this process revoked their tokens)."""
        self._known.pop(user_id, None)

    async def _version(
        self, sessions: async_sessionmaker[AsyncSession], user_id: uuid.UUID
    ) -> int | None:
        now = time.monotonic()
        known = self._known.get(user_id)
        if known is not None and now - known.fetched_at < self.ttl_s:
            return known.version
        async with sessions() as session:
            user = await user_repo.get(session, user_id)
        version = user.token_version if user is not None and user.disabled_at is None else None
        if len(self._known) >= MAX_CACHED_USERS:
            self._known.clear()
        self._known[user_id] = _Known(version, now)
        return version

    async def user_id(
        self, token: str | None, secret: str, sessions: async_sessionmaker[AsyncSession]
    ) -> uuid.UUID | None:
        """The user a token stands for when it is valid and not revoked; None otherwise."""
        if not token:
            return None
        try:
            claims = read_token(token, secret)
        except InvalidToken:
            return None
        version = await self._version(sessions, claims.user_id)
        return claims.user_id if version == claims.token_version else None


SESSIONS = SessionCache()
"""The process's cache (one per process; each process revokes within SESSION_CACHE_TTL_S)."""
