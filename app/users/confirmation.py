"""Sign-up with email confirmation (EMAIL_CONFIRMATION): the same answer for a new and a
known email, a pending account until its link is used, credits granted on confirmation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import BadRequest
from app.mail.message import Mail
from app.security import hash_password
from app.users import account_mail, service
from app.users.account_tokens import BadLink, Purpose, issue, still_fits, subject
from app.users.schemas import RegisterRequest, UserResponse
from db.enums import Role
from db.models import User
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import plans as plan_repo
from db.repositories import users as user_repo

BAD_CONFIRM_LINK = (
    "This confirmation link is invalid, expired or already used; sign up again for a new one, "
    "or sign in if you already confirmed."
)


async def register_pending(
    session: AsyncSession, settings: Settings, request: RegisterRequest
) -> tuple[UserResponse, Mail]:
    """The sign-up answer and the email to send, alike for a new and a known email.

    A new email gets a pending account and a confirmation link. A known one changes nothing:
    its owner is told someone tried to sign up (an unconfirmed account gets its link again).
    """
    # Hashed either way, so both answers take the same time.
    password_hash = await to_thread.run_sync(
        hash_password, request.password, settings.bcrypt_rounds
    )
    existing = await user_repo.get_by_email(session, str(request.email))
    if existing is None:
        user = await service.create_account(session, request, password_hash, pending=True)
        token = issue(user, Purpose.CONFIRM, settings.jwt_secret)
        mail = account_mail.confirm_email(settings, user.email, user.name, token)
        return UserResponse.model_validate(user), mail
    if existing.pending_since is not None:
        token = issue(existing, Purpose.CONFIRM, settings.jwt_secret)
        mail = account_mail.confirm_email(settings, existing.email, existing.name, token)
    else:
        mail = account_mail.signup_attempt(settings, existing.email)
    await log_repo.add(
        session, "user.register_known", "Sign-up tried with this email", user_id=existing.id
    )
    return _stand_in(request), mail


def _stand_in(request: RegisterRequest) -> UserResponse:
    """The answer for a known email: shaped like a new pending account's, with a fresh random
    id that is never stored (the real id must not leak, and equal shapes hide which it was)."""
    return UserResponse(
        id=uuid.uuid4(),
        name=request.name,
        email=str(request.email),
        plan_type=service.SIGNUP_PLAN,
        credits=0,
        role=Role.CREATOR,
        created_at=datetime.now(UTC),
    )


async def confirm(session: AsyncSession, settings: Settings, token: str) -> User:
    """Activate the pending account the link names and grant its starting credits."""
    try:
        user_id = subject(token, Purpose.CONFIRM, settings.jwt_secret)
    except BadLink as error:
        raise BadRequest(BAD_CONFIRM_LINK, code="bad_link") from error
    user = await lock_user(session, user_id)
    if user is None or user.pending_since is None or not still_fits(token, user):
        raise BadRequest(BAD_CONFIRM_LINK, code="bad_link")
    await activate(session, user)
    return user


async def lock_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    """The user, its row locked (users, then credits: the studio's lock order) and fresh."""
    await credit_repo.lock_account(session, user_id)
    user = await user_repo.get(session, user_id)
    if user is not None:
        await session.refresh(user)
    return user


async def activate(session: AsyncSession, user: User) -> None:
    """End the pending state (the caller holds the row lock) and grant the starting credits:
    users, credits and the ledger move together."""
    plan = await plan_repo.get(session, service.SIGNUP_PLAN)
    user.pending_since = None
    balance = await credit_repo.credit(session, user.id, plan.credits_per_month)
    await service.grant_signup_credits(session, user.id, plan.credits_per_month, balance)
    await log_repo.add(session, "user.confirmed", f"Confirmed {user.email}", user_id=user.id)
    await session.flush()
    await session.refresh(user)
