"""Sign up, sign in and sign out of the studio, through the same services and limits as the API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.context import AppContext
from app.deps import Context, client_address
from app.errors import AppError
from app.transaction import transaction
from app.ui.auth_page import AuthPage, Mode, render_auth_page
from app.ui.messages import validation_message
from app.ui.origin import same_origin
from app.ui.redirect import safe_next
from app.users import service
from app.users.devices import device_token_of, issue_device_token, remember_device
from app.users.limits import check_register_rate
from app.users.schemas import LoginRequest, RegisterRequest
from app.users.signin import sign_in
from app.web_paths import LOGIN_PATH, LOGOUT_PATH, SIGNUP_PATH, STUDIO_HOME
from app.web_session import (
    clear_session_cookie,
    current_session_user_id,
    session_user_id,
    set_session_cookie,
)
from db.repositories import users as user_repo

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {"name": "Name", "email": "Email", "password": "Password"}
SIGNED_OUT = "You have signed out."
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
) -> HTMLResponse:
    page = AuthPage(mode, error=error, info=info, values=values or {}, next_path=next_path)
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
    name: FormText = "",
    email: FormText = "",
    password: FormText = "",
) -> Response:
    """Register like POST /api/users/register, then sign the new creator in."""
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
            await service.register(session, context.settings, body)
            token = await service.login(
                session, context.settings, LoginRequest(email=body.email, password=password)
            )
    except AppError as error:
        return _page("signup", error.status_code, error=error.message, values=values)
    return _signed_in(context, token.access_token)


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
