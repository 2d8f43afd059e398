"""The web session: the API's own access token (JWT) in an HttpOnly cookie.

Shared by the studio UI (sign-in, sign-out, page guards) and the API routes a browser visits
(the YouTube connect flow), so no domain imports the UI.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.config import TOKEN_LIFETIME_S, Environment, Settings
from app.security import InvalidToken, read_token

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


def session_user_id(connection: HTTPConnection, settings: Settings) -> str | None:
    """The user id in a valid, unexpired session cookie; None when there is none."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return str(read_token(token, settings.jwt_secret).user_id)
    except InvalidToken:
        return None
