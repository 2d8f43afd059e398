"""What every studio handler needs: the running app's resources and the signed-in user."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import gradio as gr
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.errors import Unauthorized
from app.request_base import base_url
from app.storage import REQUEST_BASE_URL
from app.transaction import transaction
from db.models import User
from db.repositories import users as user_repo

SESSION_ENDED = "Your session has ended; sign in again."
ACCOUNT_GONE = "Your account no longer exists; sign up again."


@dataclass(frozen=True)
class SignedIn:
    """One handler's transaction and the user it acts for."""

    session: AsyncSession
    user: User


class StudioRuntime:
    """Reaches the app's AppContext (opened in its lifespan, after the UI is built)."""

    def __init__(self, context: Callable[[], AppContext]) -> None:
        self._context = context

    @property
    def context(self) -> AppContext:
        """The running app's shared resources."""
        return self._context()

    @asynccontextmanager
    async def signed_in(self, request: gr.Request) -> AsyncIterator[SignedIn]:
        """A transaction for the user named by the session (checked by the mount's auth
        dependency): committed when the block ends, rolled back if it raises."""
        user_id = _user_id(request)
        link_base = REQUEST_BASE_URL.set(_request_base_url(request))
        try:
            async with transaction(self.context.sessions) as session:
                user = await user_repo.get(session, user_id)
                if user is None:
                    raise Unauthorized(ACCOUNT_GONE)
                yield SignedIn(session, user)
        finally:
            REQUEST_BASE_URL.reset(link_base)


def _request_base_url(request: gr.Request) -> str | None:
    """Where this browser reached the studio (download links in the UI point there)."""
    inner = getattr(request, "request", None)
    scope = getattr(inner, "scope", None)
    return base_url(scope) if isinstance(scope, dict) else None


def _user_id(request: gr.Request) -> uuid.UUID:
    try:
        return uuid.UUID(str(request.username))
    except ValueError as error:
        raise Unauthorized(SESSION_ENDED) from error
