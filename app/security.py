"""Password hashing (bcrypt) and access tokens (JWT, HS256)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt

JWT_ALGORITHM = "HS256"
BCRYPT_MAX_PASSWORD_BYTES = 72
"""bcrypt only reads the first 72 bytes of a password; longer ones are refused."""

DEFAULT_BCRYPT_ROUNDS = 12
TOKEN_VERSION_CLAIM = "ver"


def hash_password(password: str, rounds: int = DEFAULT_BCRYPT_ROUNDS) -> str:
    """A salted bcrypt hash of the password."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    """Whether the password matches the bcrypt hash (constant-time)."""
    encoded = password.encode()
    if len(encoded) > BCRYPT_MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(encoded, password_hash.encode())


@dataclass(frozen=True)
class TokenClaims:
    """What a valid access token says."""

    user_id: uuid.UUID
    expires_at: datetime
    token_version: int = 0
    """The user's token version when it was issued; a newer version on the user revokes it."""


class InvalidToken(Exception):
    """The token is malformed, forged or expired."""


def issue_token(user_id: uuid.UUID, secret: str, lifetime_s: int, token_version: int = 0) -> str:
    """A signed access token for the user, valid for lifetime_s seconds."""
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        TOKEN_VERSION_CLAIM: token_version,
        "iat": now,
        "exp": now + timedelta(seconds=lifetime_s),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM)


def read_token(token: str, secret: str) -> TokenClaims:
    """Verify a token's signature and expiry and return its claims."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["sub", "exp"]}
        )
        version = claims.get(TOKEN_VERSION_CLAIM, 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise InvalidToken("The token's version claim is not a whole number.")
        return TokenClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            token_version=version,
        )
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError, OSError) as error:
        # OverflowError/OSError: an `exp` such as 1e20 that no datetime can hold
        raise InvalidToken(str(error)) from error
