"""Signed, expiring links for email confirmation and password reset.

Each token is a JWT (HS256, the studio's secret) whose audience names its purpose, so one kind
cannot be used as the other or as an access token. A token is single-use by what it is bound
to: a confirmation token only confirms a pending account; a reset token carries a fingerprint
of the password hash and the token version, both of which the reset changes.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt

from app.security import JWT_ALGORITHM
from db.models import User

CONFIRM_LIFETIME_S = 48 * 3600
"""A confirmation link works for 48 hours."""
RESET_LIFETIME_S = 3600
"""A password-reset link works for one hour."""
_FINGERPRINT_CHARS = 16


class Purpose(StrEnum):
    """What a link token may do (its JWT audience)."""

    CONFIRM = "filmstudio:confirm-email"
    RESET = "filmstudio:reset-password"


class BadLink(Exception):
    """The link is malformed, forged, expired or already used."""


def _fingerprint(user: User) -> str:
    material = f"{user.password_hash}\n{user.token_version}".encode()
    return hashlib.sha256(material).hexdigest()[:_FINGERPRINT_CHARS]


def issue(user: User, purpose: Purpose, secret: str, now: datetime | None = None) -> str:
    """A token letting its holder confirm this user's email or reset their password."""
    issued = now or datetime.now(UTC)
    lifetime = CONFIRM_LIFETIME_S if purpose is Purpose.CONFIRM else RESET_LIFETIME_S
    claims = {
        "sub": str(user.id),
        "aud": purpose.value,
        "iat": issued,
        "exp": issued + timedelta(seconds=lifetime),
        "fp": _fingerprint(user),
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def subject(token: str, purpose: Purpose, secret: str) -> uuid.UUID:
    """The user id a valid, unexpired token of this purpose names."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            audience=purpose.value,
            options={"require": ["sub", "exp", "aud", "fp"]},
        )
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError, OSError) as error:
        raise BadLink(str(error)) from error


def still_fits(token: str, user: User) -> bool:
    """Whether the token was issued for the user as they are now (password and sessions
    unchanged since): false once a reset used it. Call after subject() checked it."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return bool(claims.get("fp") == _fingerprint(user))
