"""One account email, whichever way it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MailKind(StrEnum):
    """What an account email is for."""

    CONFIRM_EMAIL = "confirm_email"
    SIGNUP_ATTEMPT = "signup_attempt"
    PASSWORD_RESET = "password_reset"


@dataclass(frozen=True)
class Mail:
    """A plain-text email to one person."""

    to: str
    subject: str
    body: str
    kind: MailKind
