"""Account rules: registration, sign-in, profile."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.periods import FREE_PERIOD
from app.config import TOKEN_LIFETIME_S, Settings
from app.errors import Conflict, Forbidden, NotFound, Unauthorized
from app.security import hash_password, issue_token, verify_password
from app.sessions import SESSIONS
from app.users.schemas import LoginRequest, RegisterRequest, TokenResponse
from db.enums import LedgerReason, PlanType, Role
from db.models import User
from db.repositories import credits as credit_repo
from db.repositories import logs as log_repo
from db.repositories import plans as plan_repo
from db.repositories import users as user_repo

SIGNUP_PLAN = PlanType.FREE
_DUMMY_HASH_CACHE: dict[int, str] = {}


async def register(session: AsyncSession, settings: Settings, request: RegisterRequest) -> User:
    """Create a creator account on the Free plan with the plan's starting credits (sign-up
    without email confirmation: a known email is a 409)."""
    if await user_repo.get_by_email(session, str(request.email)) is not None:
        raise Conflict("An account with this email already exists; log in instead.")
    password_hash = await to_thread.run_sync(
        hash_password, request.password, settings.bcrypt_rounds
    )
    return await create_account(session, request, password_hash, pending=False)


async def create_account(
    session: AsyncSession, request: RegisterRequest, password_hash: str, *, pending: bool
) -> User:
    """Insert the account and its credits row. An active account gets the plan's starting
    credits now; a pending one starts at 0 and gets them when its email is confirmed."""
    plan = await plan_repo.get(session, SIGNUP_PLAN)
    now = datetime.now(UTC)
    user = await user_repo.add(
        session,
        User(
            name=request.name,
            email=str(request.email),
            password_hash=password_hash,
            role=Role.CREATOR,
            credits=0 if pending else plan.credits_per_month,
            plan_type=SIGNUP_PLAN,
            pending_since=now if pending else None,
        ),
    )
    await credit_repo.open_account(
        session, user.id, SIGNUP_PLAN, user.credits, now, now + FREE_PERIOD
    )
    if not pending:
        await grant_signup_credits(session, user.id, plan.credits_per_month, plan.credits_per_month)
    await log_repo.add(session, "user.register", f"Registered {user.email}", user_id=user.id)
    return user


async def grant_signup_credits(
    session: AsyncSession, user_id: uuid.UUID, amount: int, balance_after: int
) -> None:
    """The ledger row of the plan's starting credits."""
    await credit_repo.record(
        session,
        user_id,
        amount,
        balance_after,
        LedgerReason.SIGNUP,
        note=f"{SIGNUP_PLAN} plan starting credits",
    )


async def _dummy_hash(rounds: int) -> str:
    if rounds not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[rounds] = await to_thread.run_sync(
            hash_password, "not-a-password", rounds
        )
    return _DUMMY_HASH_CACHE[rounds]


class LoginFailed(Unauthorized):
    """Wrong email or password (the same answer for both)."""

    def __init__(self) -> None:
        super().__init__("Incorrect email or password.")


async def check_credentials(
    session: AsyncSession, settings: Settings, email: str, password: str
) -> User | None:
    """The user when the password matches (constant work either way); None otherwise."""
    user = await user_repo.get_by_email(session, email)
    stored_hash = user.password_hash if user else await _dummy_hash(settings.bcrypt_rounds)
    matches = await to_thread.run_sync(verify_password, password, stored_hash)
    return user if user is not None and matches else None


def token_for(user: User, settings: Settings) -> TokenResponse:
    """A fresh access token carrying the user's current token version."""
    token = issue_token(user.id, settings.jwt_secret, TOKEN_LIFETIME_S, user.token_version)
    return TokenResponse(access_token=token, expires_in=TOKEN_LIFETIME_S)


async def login(session: AsyncSession, settings: Settings, request: LoginRequest) -> TokenResponse:
    """Check the credentials and issue an access token; the same 401 for any mismatch.

    A failed attempt raises LoginFailed after its audit row is written (the caller commits
    it: see record_failed_login)."""
    user = await check_credentials(session, settings, str(request.email), request.password)
    if user is None or user.pending_since is not None:
        # an unconfirmed account answers like a wrong password: login cannot tell them apart
        raise LoginFailed
    if user.disabled_at is not None:
        raise Forbidden("This account has been disabled; contact the studio's administrators.")
    await log_repo.add(session, "user.login", f"Signed in {user.email}", user_id=user.id)
    return token_for(user, settings)


async def record_failed_login(session: AsyncSession, email: str, client: str) -> None:
    """An audit row for a failed sign-in (no user id: the email may not be an account)."""
    known = await user_repo.get_by_email(session, email)
    await log_repo.add(
        session,
        "user.login_failed",
        f"Failed sign-in for {email[:255]} from {client}",
        user_id=known.id if known else None,
    )


async def change_password(
    session: AsyncSession, settings: Settings, user: User, current: str, new: str
) -> TokenResponse:
    """Replace the password after checking the current one; every other session ends."""
    if not await to_thread.run_sync(verify_password, current, user.password_hash):
        raise Forbidden("The current password is not correct.", code="wrong_password")
    password_hash = await to_thread.run_sync(hash_password, new, settings.bcrypt_rounds)
    await user_repo.set_password(session, user.id, password_hash)
    await revoke_sessions(session, user)
    await log_repo.add(session, "user.password_changed", "Password changed", user_id=user.id)
    return token_for(user, settings)


async def revoke_sessions(session: AsyncSession, user: User) -> None:
    """End every session of the user (their tokens stop working at once in this process and
    within SESSION_CACHE_TTL_S in the others)."""
    user.token_version = await user_repo.revoke_tokens(session, user.id)
    SESSIONS.forget(user.id)


async def set_disabled(
    session: AsyncSession, admin: User, user_id: uuid.UUID, disabled: bool
) -> User:
    """An administrator disables (ending every session) or enables an account."""
    user = await user_repo.get(session, user_id)
    if user is None:
        raise NotFound("No user with this id.")
    if user.id == admin.id and disabled:
        raise Conflict("You cannot disable your own account.", code="own_account")
    user.disabled_at = datetime.now(UTC) if disabled else None
    if disabled:
        await revoke_sessions(session, user)
    action = "user.disabled" if disabled else "user.enabled"
    await log_repo.add(session, action, f"{action} by {admin.email}", user_id=user.id)
    await session.flush()
    return user
