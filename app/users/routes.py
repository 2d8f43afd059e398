"""User service routes: /api/users/register, /login, /profile."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from app.deps import Context, CurrentUser, Session, client_address
from app.users import service
from app.users.schemas import (
    LoginRequest,
    ProfileResponse,
    RegisterRequest,
    TokenResponse,
    UserResponse,
)

router = APIRouter(prefix="/api/users", tags=["users"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserResponse,
    responses={409: {"description": "Email taken"}, 429: {"description": "Too many attempts"}},
)
async def register(
    body: RegisterRequest, request: Request, session: Session, context: Context
) -> UserResponse:
    """Create a creator account on the Free plan with 3 credits."""
    await context.limiter.check(
        "register", client_address(request), context.settings.rate_limit_register
    )
    user = await service.register(session, context.settings, body)
    return UserResponse.model_validate(user)


@router.post(
    "/login",
    response_model=TokenResponse,
    responses={401: {"description": "Wrong email or password"}, 429: {"description": "Too many"}},
)
async def login(
    body: LoginRequest, request: Request, session: Session, context: Context
) -> TokenResponse:
    """Exchange email and password for a bearer token valid for 24 hours."""
    rate = context.settings.rate_limit_login
    await context.limiter.check("login-ip", client_address(request), rate)
    await context.limiter.check("login-email", str(body.email), rate)
    return await service.login(session, context.settings, body)


@router.get("/profile", response_model=ProfileResponse)
async def profile(user: CurrentUser) -> ProfileResponse:
    """The signed-in user's account."""
    return ProfileResponse.model_validate(user)
