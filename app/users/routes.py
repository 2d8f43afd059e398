"""User service routes: /api/users/register, /login, /profile."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request, Response, status

from app.deps import Context, CurrentUser, Session, client_address
from app.mail.mailer import dispatch
from app.users import confirmation, recovery, service
from app.users.devices import device_token_of, issue_device_token, remember_device
from app.users.limits import check_link_rate, check_register_rate, check_reset_rate
from app.users.schemas import (
    AcceptedResponse,
    ChangePasswordRequest,
    ConfirmEmailRequest,
    LoginRequest,
    PasswordResetConfirmRequest,
    PasswordResetRequest,
    ProfileResponse,
    RegisterRequest,
    TokenResponse,
    UserResponse,
)
from app.users.signin import sign_in

router = APIRouter(prefix="/api/users", tags=["users"])

RESET_ACCEPTED = "If an account uses this email, a link to reset its password is on its way."


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserResponse,
    responses={
        409: {"description": "Email taken (only when EMAIL_CONFIRMATION is off)"},
        429: {"description": "Too many attempts"},
    },
)
async def register(
    body: RegisterRequest,
    request: Request,
    session: Session,
    context: Context,
    background: BackgroundTasks,
) -> UserResponse:
    """Create a creator account on the Free plan with 3 credits.

    With EMAIL_CONFIRMATION on (the production default) the account starts pending: it cannot
    sign in and has 0 credits until the emailed link is used (POST /api/users/confirm), which
    grants the 3 credits. The answer is then the same for an email that already has an
    account: a 201 of the same shape whose `id` is a fresh random id, never stored, and the
    owner is emailed instead, so sign-up cannot tell which emails have accounts. With it off,
    the account is active at once and a known email answers 409."""
    await check_register_rate(context, client_address(request))
    if context.settings.confirms_email:
        answer, mail = await confirmation.register_pending(session, context.settings, body)
        await dispatch(context.settings, session, background, mail)
        return answer
    user = await service.register(session, context.settings, body)
    return UserResponse.model_validate(user)


@router.post(
    "/confirm",
    response_model=UserResponse,
    responses={
        400: {"description": "The link is invalid, expired or already used"},
        429: {"description": "Too many attempts"},
    },
)
async def confirm_email(
    body: ConfirmEmailRequest, request: Request, session: Session, context: Context
) -> UserResponse:
    """Confirm a pending account's email with the token of its emailed link: the account can
    sign in from now on and receives the Free plan's starting credits."""
    await check_link_rate(context, client_address(request))
    user = await confirmation.confirm(session, context.settings, body.token)
    return UserResponse.model_validate(user)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AcceptedResponse,
    responses={429: {"description": "Too many requests for this client or email"}},
)
async def request_password_reset(
    body: PasswordResetRequest,
    request: Request,
    session: Session,
    context: Context,
    background: BackgroundTasks,
) -> AcceptedResponse:
    """Email a password-reset link (valid one hour, once) to the account with this email.
    The answer is the same whether or not the email has an account."""
    await check_reset_rate(context, client_address(request), str(body.email))
    mail = await recovery.reset_mail(session, context.settings, str(body.email))
    if mail is not None:
        await dispatch(context.settings, session, background, mail)
    return AcceptedResponse(message=RESET_ACCEPTED)


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        400: {"description": "The link is invalid, expired or already used"},
        429: {"description": "Too many attempts"},
    },
)
async def confirm_password_reset(
    body: PasswordResetConfirmRequest, request: Request, session: Session, context: Context
) -> Response:
    """Set a new password with the token of an emailed reset link (the password rules of
    sign-up apply). Every session of the account ends; sign in with the new password."""
    await check_link_rate(context, client_address(request))
    await recovery.reset_password(session, context.settings, body.token, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
