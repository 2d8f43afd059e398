"""Sign up, sign in and sign out of the studio, through the same services and limits as the API."""

from __future__ import annotations

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
from app.users import service
from app.users.limits import check_login_rate, check_register_rate
from app.users.schemas import LoginRequest, RegisterRequest
from app.web_paths import LOGIN_PATH, LOGOUT_PATH, SIGNUP_PATH, STUDIO_HOME
from app.web_session import clear_session_cookie, session_user_id, set_session_cookie

router = APIRouter(include_in_schema=False)

FIELD_LABELS = {"name": "Name", "email": "Email", "password": "Password"}
SIGNED_OUT = "You have signed out."
VALIDATION_STATUS = 422

FormText = Annotated[str, Form()]


def _page(
    mode: Mode,
    status_code: int = 200,
    *,
    error: str | None = None,
    info: str | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    page = AuthPage(mode, error=error, info=info, values=values or {})
    return HTMLResponse(render_auth_page(page), status_code=status_code)


def _signed_in(context: AppContext, token: str) -> RedirectResponse:
    response = RedirectResponse(STUDIO_HOME, status_code=303)
    set_session_cookie(response, context.settings, token)
    return response


@router.get(LOGIN_PATH, response_class=HTMLResponse)
async def login_page(request: Request, context: Context, signed_out: bool = False) -> Response:
    """The sign-in form (or the studio, for someone already signed in)."""
    if session_user_id(request, context.settings) is not None:
        return RedirectResponse(STUDIO_HOME, status_code=303)
    return _page("login", info=SIGNED_OUT if signed_out else None)


@router.get(SIGNUP_PATH, response_class=HTMLResponse)
async def signup_page(request: Request, context: Context) -> Response:
    """The sign-up form."""
    if session_user_id(request, context.settings) is not None:
        return RedirectResponse(STUDIO_HOME, status_code=303)
    return _page("signup")


@router.post(LOGIN_PATH, response_class=HTMLResponse)
async def login(
    request: Request, context: Context, email: FormText = "", password: FormText = ""
) -> Response:
    """Check the credentials like POST /api/users/login and start a cookie session."""
    values = {"email": email}
    try:
        body = LoginRequest(email=email, password=password)
    except ValidationError as error:
        message = validation_message(error, FIELD_LABELS)
        return _page("login", VALIDATION_STATUS, error=message, values=values)
    try:
        await check_login_rate(context, client_address(request), str(body.email))
        async with transaction(context.sessions) as session:
            token = await service.login(session, context.settings, body)
    except AppError as error:
        return _page("login", error.status_code, error=error.message, values=values)
    return _signed_in(context, token.access_token)


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
async def logout(context: Context) -> RedirectResponse:
    """End the session in this browser and show the sign-in page."""
    response = RedirectResponse(f"{LOGIN_PATH}?signed_out=true", status_code=303)
    clear_session_cookie(response, context.settings)
    return response
