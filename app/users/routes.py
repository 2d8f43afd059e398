"""User service routes: /api/users/register, /login, /profile."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from app.deps import Context, CurrentUser, Session, client_address
from app.users import service
from app.users.limits import check_login_rate, check_register_rate
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
    await check_register_rate(context, client_address(request))
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
    await check_login_rate(context, client_address(request), str(body.email))
    return await service.login(session, context.settings, body)


@router.get("/profile", response_model=ProfileResponse)
async def profile(user: CurrentUser) -> ProfileResponse:
    """The signed-in user's account."""
    return ProfileResponse.model_validate(user)
