"""User service routes: /api/users/register, /login, /profile."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from app.deps import Context, CurrentUser, Session, client_address
from app.users import service
from app.users.devices import device_token_of, issue_device_token, remember_device
from app.users.limits import check_register_rate
from app.users.schemas import (
    ChangePasswordRequest,
    LoginRequest,
    ProfileResponse,
    RegisterRequest,
    TokenResponse,
    UserResponse,
)
from app.users.signin import sign_in

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
    responses={
        401: {"description": "Wrong email or password"},
        403: {"description": "The account is disabled"},
        429: {"description": "Too many failed attempts"},
    },
)
async def login(
    body: LoginRequest, request: Request, response: Response, session: Session, context: Context
) -> TokenResponse:
    """Exchange email and password for a bearer token valid for 24 hours.

    The answer also carries a device token (cookie and `X-Device-Token` header): sent back on
    later sign-ins, it keeps this client signing in while the email backs off failed guesses
    from elsewhere."""
    token = await sign_in(context, session, body, client_address(request), device_token_of(request))
    remember_device(
        response, context.settings, issue_device_token(context.settings, str(body.email))
    )
    return token


@router.get("/profile", response_model=ProfileResponse)
async def profile(user: CurrentUser) -> ProfileResponse:
    """The signed-in user's account."""
    return ProfileResponse.model_validate(user)


@router.post(
    "/password",
    response_model=TokenResponse,
    responses={403: {"description": "The current password is wrong"}},
)
async def change_password(
    body: ChangePasswordRequest, user: CurrentUser, session: Session, context: Context
) -> TokenResponse:
    """Set a new password; every other session (token, studio sign-in) ends. Answers a new
    token for this client."""
    return await service.change_password(
        session, context.settings, user, body.current_password, body.new_password
    )


@router.post("/logout-everywhere", status_code=status.HTTP_204_NO_CONTENT)
async def logout_everywhere(user: CurrentUser, session: Session) -> Response:
    """End every session of this account: all its tokens and studio sign-ins stop working."""
    await service.revoke_sessions(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
