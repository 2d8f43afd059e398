"""Forgotten passwords: a reset link by email, and setting a new password with it."""

from __future__ import annotations

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import BadRequest
from app.mail.message import Mail
from app.security import hash_password
from app.users import account_mail, service
from app.users.account_tokens import BadLink, Purpose, issue, still_fits, subject
from app.users.confirmation import activate, lock_user
from db.repositories import logs as log_repo
from db.repositories import users as user_repo

BAD_RESET_LINK = "This password-reset link is invalid, expired or already used; ask for a new one."


async def reset_mail(session: AsyncSession, settings: Settings, email: str) -> Mail | None:
    """The reset email for the account with this email (none for an unknown or disabled one)."""
    user = await user_repo.get_by_email(session, email)
    if user is None or user.disabled_at is not None:
        return None
    await log_repo.add(session, "user.reset_requested", "Password reset asked", user_id=user.id)
    token = issue(user, Purpose.RESET, settings.jwt_secret)
    return account_mail.password_reset(settings, user.email, token)


async def reset_password(
    session: AsyncSession, settings: Settings, token: str, new_password: str
) -> None:
    """Set the new password the link allows; every session ends and the link is spent. An
    unconfirmed account is confirmed too: the link proves the email is theirs."""
    try:
        user_id = subject(token, Purpose.RESET, settings.jwt_secret)
    except BadLink as error:
        raise BadRequest(BAD_RESET_LINK, code="bad_link") from error
    user = await lock_user(session, user_id)
    if user is None or user.disabled_at is not None or not still_fits(token, user):
        raise BadRequest(BAD_RESET_LINK, code="bad_link")
    password_hash = await to_thread.run_sync(hash_password, new_password, settings.bcrypt_rounds)
    await user_repo.set_password(session, user.id, password_hash)
    await service.revoke_sessions(session, user)
    if user.pending_since is not None:
        await activate(session, user)
    await log_repo.add(session, "user.password_reset", "Password reset by link", user_id=user.id)
