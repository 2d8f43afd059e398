"""The account emails' words and links: confirm your email, someone tried to sign up with it,
reset your password."""

from __future__ import annotations

from urllib.parse import urlencode

from app.config import Settings
from app.mail.message import Mail, MailKind
from app.storage import studio_base_url
from app.users.account_tokens import CONFIRM_LIFETIME_S, RESET_LIFETIME_S
from app.web_paths import CONFIRM_PATH, LOGIN_PATH, RESET_PATH

_HOUR_S = 3600


def _link(settings: Settings, path: str, token: str | None = None) -> str:
    query = f"?{urlencode({'token': token})}" if token else ""
    return f"{studio_base_url(settings.public_base_url)}{path}{query}"


def confirm_email(settings: Settings, to: str, name: str, token: str) -> Mail:
    """The link that finishes signing up."""
    body = (
        f"Hello {name},\n\n"
        "Finish creating your AI Film Studio account by opening this link:\n\n"
        f"{_link(settings, CONFIRM_PATH, token)}\n\n"
        f"The link works for {CONFIRM_LIFETIME_S // _HOUR_S} hours. If you did not sign up, "
        "ignore this email: no account is made without it.\n"
    )
    return Mail(to, "Confirm your email for AI Film Studio", body, MailKind.CONFIRM_EMAIL)


def signup_attempt(settings: Settings, to: str) -> Mail:
    """Tells an account's owner that someone tried to sign up with their email."""
    body = (
        "Someone (perhaps you) tried to create an AI Film Studio account with this email, "
        "which already has one. Nothing in your account changed.\n\n"
        f"Sign in: {_link(settings, LOGIN_PATH)}\n"
        f"Forgot your password? Reset it: {_link(settings, RESET_PATH)}\n\n"
        "If this was not you, you can ignore this email.\n"
    )
    return Mail(to, "You already have an AI Film Studio account", body, MailKind.SIGNUP_ATTEMPT)


def password_reset(settings: Settings, to: str, token: str) -> Mail:
    """The link that sets a new password."""
    body = (
        "Someone (perhaps you) asked to reset the password of your AI Film Studio account.\n\n"
        f"Choose a new password: {_link(settings, RESET_PATH, token)}\n\n"
        f"The link works for {RESET_LIFETIME_S // 60} minutes and once. Setting a new password "
        "signs you out everywhere. If you did not ask, ignore this email; your password stays.\n"
    )
    return Mail(to, "Reset your AI Film Studio password", body, MailKind.PASSWORD_RESET)
