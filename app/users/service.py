"""Account rules: registration, sign-in, profile."""

from __future__ import annotations

from datetime import UTC, datetime

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.billing.periods import FREE_PERIOD
from app.config import TOKEN_LIFETIME_S, Settings
from app.errors import Conflict, Unauthorized
from app.security import hash_password, issue_token, verify_password
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
    """Create a creator account on the Free plan with the plan's starting credits."""
    if await user_repo.get_by_email(session, str(request.email)) is not None:
        raise Conflict("An account with this email already exists; log in instead.")
    password_hash = await to_thread.run_sync(
        hash_password, request.password, settings.bcrypt_rounds
    )
    plan = await plan_repo.get(session, SIGNUP_PLAN)
    user = await user_repo.add(
        session,
        User(
            name=request.name,
            email=str(request.email),
            password_hash=password_hash,
            role=Role.CREATOR,
            credits=plan.credits_per_month,
            plan_type=SIGNUP_PLAN,
        ),
    )
    start = datetime.now(UTC)
    await credit_repo.open_account(
        session, user.id, SIGNUP_PLAN, plan.credits_per_month, start, start + FREE_PERIOD
    )
    await credit_repo.record(
        session,
        user.id,
        plan.credits_per_month,
        plan.credits_per_month,
        LedgerReason.SIGNUP,
        note=f"{SIGNUP_PLAN} plan starting credits",
    )
    await log_repo.add(session, "user.register", f"Registered {user.email}", user_id=user.id)
    return user


async def _dummy_hash(rounds: int) -> str:
    if rounds not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[rounds] = await to_thread.run_sync(
            hash_password, "not-a-password", rounds
        )
    return _DUMMY_HASH_CACHE[rounds]


async def login(session: AsyncSession, settings: Settings, request: LoginRequest) -> TokenResponse:
    """Check the credentials and issue an access token; the same 401 for any mismatch."""
    user = await user_repo.get_by_email(session, str(request.email))
    stored_hash = user.password_hash if user else await _dummy_hash(settings.bcrypt_rounds)
    matches = await to_thread.run_sync(verify_password, request.password, stored_hash)
    if user is None or not matches:
        raise Unauthorized("Incorrect email or password.")
    await log_repo.add(session, "user.login", f"Signed in {user.email}", user_id=user.id)
    token = issue_token(user.id, settings.jwt_secret, TOKEN_LIFETIME_S)
    return TokenResponse(access_token=token, expires_in=TOKEN_LIFETIME_S)
