"""The web session: the API's own access token (JWT) in an HttpOnly cookie.

Shared by the studio UI (sign-in, sign-out, page guards) and the API routes a browser visits
(the YouTube connect flow), so no domain imports the UI.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.config import TOKEN_LIFETIME_S, Environment, Settings
from app.context import AppContext
from app.security import InvalidToken, read_token
from app.sessions import SESSIONS

SESSION_COOKIE = "filmstudio_session"
"""Name of the cookie holding the access token."""

COOKIE_PATH = "/"


def cookie_is_secure(settings: Settings) -> bool:
    """Whether the cookie is sent over HTTPS only: everywhere except local development."""
    return settings.environment is not Environment.DEVELOPMENT


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """Store the access token: HttpOnly (no script can read it), SameSite=Lax, 24 hours."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=TOKEN_LIFETIME_S,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(settings),
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Forget the session in the browser."""
    response.delete_cookie(
        SESSION_COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(settings),
    )


async def current_session_user_id(connection: HTTPConnection, context: AppContext) -> str | None:
    """The user id of a valid session cookie whose session has not been ended (signed out,
    password changed, account disabled or deleted); None otherwise."""
    user_id = await SESSIONS.user_id(
        connection.cookies.get(SESSION_COOKIE), context.settings.jwt_secret, context.read_sessions
    )
    return str(user_id) if user_id is not None else None


def session_user_id(connection: HTTPConnection, settings: Settings) -> str | None:
    """The user id in a validly signed, unexpired session cookie (not checked for revocation:
    use current_session_user_id to admit a request); None when there is none."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return str(read_token(token, settings.jwt_secret).user_id)
    except InvalidToken:
        return None
