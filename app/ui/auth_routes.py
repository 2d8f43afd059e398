"""Sign up, sign in and sign out of the studio, through the same services and limits as the API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.context import AppContext
from app.deps import Context, client_address
from app.errors import AppError
from app.mail.mailer import dispatch
from app.transaction import transaction
from app.ui.auth_page import AuthPage, Mode, render_auth_page
from app.ui.messages import validation_message
from app.ui.origin import same_origin
from app.ui.redirect import safe_next
from app.users import confirmation, recovery, service
from app.users.devices import device_token_of, issue_device_token, remember_device
from app.users.limits import check_link_rate, check_register_rate, check_reset_rate
from app.users.schemas import (
    LoginRequest,
    PasswordResetConfirmRequest,
    PasswordResetRequest,
    RegisterRequest,
)
from app.users.signin import sign_in
from app.web_paths import (
    CONFIRM_PATH,
    LOGIN_PATH,
    LOGOUT_PATH,
    RESET_PATH,
    SIGNUP_PATH,
    STUDIO_HOME,
)
from app.web_session import (
    clear_session_cookie,
    current_session_user_id,
    session_user_id,
    set_session_cookie,
)
from db.repositories import users as user_repo

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {
    "name": "Name",
    "email": "Email",
    "password": "Password",
    "new_password": "New password",
    "token": "Link",
}
SIGNED_OUT = "You have signed out."
CHECK_EMAIL = "Check your email to finish signing up: we sent you a link."
CONFIRMED = "Your email is confirmed. Sign in to start your first film."
RESET_SENT = "If an account uses this email, we sent it a link to choose a new password."
PASSWORD_SET = "Your new password is set and every other session has ended. Sign in with it."
SESSION_EXPIRED = "Your session expired. Sign in again; your draft is kept."
VALIDATION_STATUS = 422
CROSS_SITE_STATUS = 403
CROSS_SITE = "This form was sent from another site; open the studio and sign in there."

FormText = Annotated[str, Form()]


def _page(
    mode: Mode,
    status_code: int = 200,
    *,
    error: str | None = None,
    info: str | None = None,
    values: dict[str, str] | None = None,
    next_path: str | None = None,
    reset_token: str | None = None,
    show_form: bool = True,
) -> HTMLResponse:
    page = AuthPage(
        mode,
        error=error,
        info=info,
        values=values or {},
        next_path=next_path,
        reset_token=reset_token,
        show_form=show_form,
    )
    return HTMLResponse(render_auth_page(page), status_code=status_code)


def _signed_in(context: AppContext, token: str, next_path: str | None = None) -> RedirectResponse:
    response = RedirectResponse(safe_next(next_path) or STUDIO_HOME, status_code=303)
    set_session_cookie(response, context.settings, token)
    return response


@router.get(LOGIN_PATH, response_class=HTMLResponse)
async def login_page(
    request: Request, context: Context, signed_out: bool = False, next: str | None = None
) -> Response:
    """The sign-in form (or the studio, for someone already signed in); `next`: the studio
    path to return to (e.g. where a session expired)."""
    target = safe_next(next)
    if await current_session_user_id(request, context) is not None:
        return RedirectResponse(target or STUDIO_HOME, status_code=303)
    info = SIGNED_OUT if signed_out else (SESSION_EXPIRED if target else None)
    return _page("login", info=info, next_path=target)


@router.get(SIGNUP_PATH, response_class=HTMLResponse)
async def signup_page(request: Request, context: Context) -> Response:
    """The sign-up form."""
    if await current_session_user_id(request, context) is not None:
        return RedirectResponse(STUDIO_HOME, status_code=303)
    return _page("signup")


@router.post(LOGIN_PATH, response_class=HTMLResponse)
async def login(
    request: Request,
    context: Context,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "",
) -> Response:
    """Check the credentials like POST /api/users/login and start a cookie session."""
    values = {"email": email}
    target = safe_next(next)
    if not same_origin(request):
        return _page("login", CROSS_SITE_STATUS, error=CROSS_SITE, values=values)
    try:
        body = LoginRequest(email=email, password=password)
    except ValidationError as error:
        message = validation_message(error, FIELD_LABELS)
        return _page("login", VALIDATION_STATUS, error=message, values=values, next_path=target)
    try:
        async with transaction(context.sessions) as session:
            token = await sign_in(
                context, session, body, client_address(request), device_token_of(request)
            )
    except AppError as error:
        return _page(
            "login", error.status_code, error=error.message, values=values, next_path=target
        )
    response = _signed_in(context, token.access_token, target)
    remember_device(
        response, context.settings, issue_device_token(context.settings, str(body.email))
    )
    return response


@router.post(SIGNUP_PATH, response_class=HTMLResponse)
async def signup(
    request: Request,
    context: Context,
    background: BackgroundTasks,
    name: FormText = "",
    email: FormText = "",
    password: FormText = "",
) -> Response:
    """Register like POST /api/users/register. With email confirmation on, say "check your
    email" (the same page whether or not the email has an account); off, sign the new creator
    in and remember this device, as signing in does."""
    values = {"name": name, "email": email}
    if not same_origin(request):
        return _page("signup", CROSS_SITE_STATUS, error=CROSS_SITE, values=values)
    try:
        body = RegisterRequest(name=name, email=email, password=password)
    except ValidationError as error:
        message = validation_message(error, FIELD_LABELS)
        return _page("signup", VALIDATION_STATUS, error=message, values=values)
    try:
        await check_register_rate(context, client_address(request))
        async with transaction(context.sessions) as session:
            if context.settings.confirms_email:
                _, mail = await confirmation.register_pending(session, context.settings, body)
                await dispatch(context.settings, session, background, mail)
                page = _page("signup", info=CHECK_EMAIL, show_form=False)
                page.background = background
                return page
            await service.register(session, context.settings, body)
            token = await service.login(
                session, context.settings, LoginRequest(email=body.email, password=password)
            )
    except AppError as error:
        return _page("signup", error.status_code, error=error.message, values=values)
    response = _signed_in(context, token.access_token)
    remember_device(
        response, context.settings, issue_device_token(context.settings, str(body.email))
    )
    return response


@router.get(CONFIRM_PATH, response_class=HTMLResponse)
async def confirm_email(request: Request, context: Context, token: str = "") -> Response:
    """Where the emailed confirmation link lands: confirm, then ask to sign in."""
    try:
        await check_link_rate(context, client_address(request))
        async with transaction(context.sessions) as session:
            await confirmation.confirm(session, context.settings, token[:4096])
    except AppError as error:
        return _page("login", error.status_code, error=error.message)
    return _page("login", info=CONFIRMED)


@router.get(RESET_PATH, response_class=HTMLResponse)
async def reset_page(token: str = "") -> Response:
    """Ask for a reset link (no token) or choose a new password (the emailed link's token)."""
    if token:
        return _page("reset", reset_token=token[:4096])
    return _page("forgot")


@router.post(RESET_PATH, response_class=HTMLResponse)
async def reset(
    request: Request,
    context: Context,
    background: BackgroundTasks,
    email: FormText = "",
    token: FormText = "",
    password: FormText = "",
) -> Response:
    """Email a reset link (the same answer for any email), or set the new password."""
    if not same_origin(request):
        return _page("forgot", CROSS_SITE_STATUS, error=CROSS_SITE)
    if token:
        return await _set_password(request, context, token, password)
    values = {"email": email}
    try:
        body = PasswordResetRequest(email=email)
    except ValidationError as error:
        message = validation_message(error, FIELD_LABELS)
        return _page("forgot", VALIDATION_STATUS, error=message, values=values)
    try:
        await check_reset_rate(context, client_address(request), str(body.email))
        async with transaction(context.sessions) as session:
            mail = await recovery.reset_mail(session, context.settings, str(body.email))
            if mail is not None:
                await dispatch(context.settings, session, background, mail)
    except AppError as error:
        return _page("forgot", error.status_code, error=error.message, values=values)
    page = _page("forgot", info=RESET_SENT, show_form=False)
    page.background = background
    return page


async def _set_password(
    request: Request, context: AppContext, token: str, password: str
) -> Response:
    try:
        body = PasswordResetConfirmRequest(token=token, new_password=password)
    except ValidationError as error:
        message = validation_message(error, FIELD_LABELS)
        return _page("reset", VALIDATION_STATUS, error=message, reset_token=token[:4096])
    try:
        await check_link_rate(context, client_address(request))
        async with transaction(context.sessions) as session:
            await recovery.reset_password(session, context.settings, body.token, body.new_password)
    except AppError as error:
        return _page("reset", error.status_code, error=error.message, reset_token=token[:4096])
    return _page("login", info=PASSWORD_SET)


@router.post(LOGOUT_PATH)
async def logout(request: Request, context: Context) -> Response:
    """End the session on the server (every sign-in of this account) and in this browser."""
    if not same_origin(request):
        return _page("login", CROSS_SITE_STATUS, error=CROSS_SITE)
    user_id = session_user_id(request, context.settings)
    if user_id is not None:
        async with transaction(context.sessions) as session:
            user = await user_repo.get(session, uuid.UUID(user_id))
            if user is not None:
                await service.revoke_sessions(session, user)
    response = RedirectResponse(f"{LOGIN_PATH}?signed_out=true", status_code=303)
    clear_session_cookie(response, context.settings)
    return response
