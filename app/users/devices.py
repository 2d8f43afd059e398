"""Known devices: a browser or client that signed in to an account before keeps signing in
while someone else's wrong guesses at that email have the email backing off.

After a successful sign-in the answer carries a signed device token (a long-lived HttpOnly
cookie, and the ``X-Device-Token`` header for API clients). It names the email it was issued
for, so it cannot lift the back-off of any other account, and it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import Request, Response

from app.config import Settings
from app.web_session import COOKIE_PATH, cookie_is_secure

DEVICE_COOKIE = "filmstudio_device"
DEVICE_HEADER = "X-Device-Token"
DEVICE_LIFETIME_S = 90 * 24 * 3600
"""A device stays known for 90 days after its last successful sign-in."""

_PURPOSE = "known-device"


def _mac(secret: str, email: str, issued: int, nonce: str) -> str:
    message = f"{_PURPOSE}\n{email.casefold()}\n{issued}\n{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue_device_token(settings: Settings, email: str, now: float | None = None) -> str:
    """A new device token for this email."""
    issued = int(time.time() if now is None else now)
    nonce = secrets.token_urlsafe(12)
    return f"{issued}.{nonce}.{_mac(settings.jwt_secret, email, issued, nonce)}"


def is_known_device(
    settings: Settings, email: str, token: str | None, now: float | None = None
) -> bool:
    """Whether the token was issued by us for this email and has not expired."""
    if not token:
        return False
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12:
        return False
    issued_text, nonce, given = parts
    issued = int(issued_text)
    current = time.time() if now is None else now
    if not issued <= current + 60 or current - issued > DEVICE_LIFETIME_S:
        return False
    expected = _mac(settings.jwt_secret, email, issued, nonce)
    return hmac.compare_digest(expected.encode(), given.encode())


def device_token_of(request: Request) -> str | None:
    """The device token the client sent: the header wins over the cookie."""
    return request.headers.get(DEVICE_HEADER) or request.cookies.get(DEVICE_COOKIE)


def remember_device(response: Response, settings: Settings, token: str) -> None:
    """Hand the device token back as a long-lived HttpOnly cookie and a header."""
    response.headers[DEVICE_HEADER] = token
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_LIFETIME_S,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(settings),
    )
