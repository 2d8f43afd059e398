"""FastAPI dependencies: the request's transaction, the signed-in user, the admin check."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.errors import Forbidden, Unauthorized
from app.security import InvalidToken, read_token
from app.sessions import token_is_current
from app.transaction import transaction
from db.enums import Role
from db.models import User
from db.repositories import users as user_repo

bearer = HTTPBearer(auto_error=False, description="The access_token from POST /api/users/login.")


def get_context(request: Request) -> AppContext:
    """The running app's shared resources."""
    context: AppContext = request.app.state.context
    return context


Context = Annotated[AppContext, Depends(get_context)]


READ_METHODS = frozenset({"GET", "HEAD"})
WRITES_ON_GET = "_writes_on_get"

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def writes_on_get(endpoint: Endpoint) -> Endpoint:
    """Mark a GET endpoint that changes data (an OAuth callback): it gets a transaction."""
    setattr(endpoint, WRITES_ON_GET, True)
    return endpoint


async def get_session(request: Request, context: Context) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed when the handler returns, rolled back on error.

    GET requests only read, so they run in autocommit (no BEGIN/COMMIT round trips) unless
    their endpoint is marked with @writes_on_get.
    """
    endpoint = request.scope.get("endpoint")
    if request.method in READ_METHODS and not getattr(endpoint, WRITES_ON_GET, False):
        async with context.read_sessions() as session:
            yield session
        return
    async with transaction(context.sessions) as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def current_user(
    session: Session,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user named by the Bearer token; 401 when it is missing, invalid or expired."""
    if credentials is None:
        raise Unauthorized(
            "Sign in first: send the access token as `Authorization: Bearer <token>`."
        )
    try:
        claims = read_token(credentials.credentials, context.settings.jwt_secret)
    except InvalidToken as error:
        raise Unauthorized("The access token is invalid or expired; log in again.") from error
    user = await user_repo.get(session, claims.user_id)
    if user is None:
        raise Unauthorized("The account for this token no longer exists.")
    if user.disabled_at is not None:
        raise Unauthorized("This account has been disabled by an administrator.")
    if not token_is_current(user, claims):
        raise Unauthorized("This session has ended (signed out or password changed); log in again.")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    """The signed-in user if they are an admin; 403 otherwise."""
    if user.role is not Role.ADMIN:
        raise Forbidden("Only administrators can do this.")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


def client_address(request: Request) -> str:
    """The client's address, used as the rate-limit key."""
    return request.client.host if request.client else "unknown"
