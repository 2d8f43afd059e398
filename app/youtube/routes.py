"""YouTube service routes: /api/youtube/... (connect a channel, publish films, list uploads)."""

from __future__ import annotations

import urllib.parse
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from app.deps import Context, CurrentUser, Session, bearer, current_user, writes_on_get
from app.errors import Unauthorized
from app.idempotency import respond_once
from app.schemas import PageParams, page_params
from app.web_paths import STUDIO_HOME
from app.web_session import cookie_is_secure, current_session_user_id
from app.youtube import connection, service
from app.youtube.gateway import GoogleHttp, google_http
from app.youtube.pending import PENDING_COOKIE, PENDING_COOKIE_PATH
from app.youtube.schemas import (
    ChannelResponse,
    ConnectResponse,
    UploadRequest,
    VideoListResponse,
    VideoResponse,
)
from db.models import User
from db.repositories import users as user_repo

router = APIRouter(prefix="/api/youtube", tags=["youtube"])

Google = Annotated[GoogleHttp, Depends(google_http)]

ERRORS = {
    404: {"description": "No such project or upload in your account"},
    409: {
        "description": "Film not complete, channel not connected, already uploading, or the "
        "film fails the quality gate (`quality_gate_failed` with the `failed` checks)"
    },
    503: {"description": "Google OAuth is not configured; the body names the settings"},
}


async def browser_or_api_user(
    request: Request,
    session: Session,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user of the Bearer token, or of the studio's session cookie (a browser's visit)."""
    if credentials is not None:
        return await current_user(session, context, credentials)
    user_id = await current_session_user_id(request, context)
    user = await user_repo.get(session, uuid.UUID(user_id)) if user_id else None
    if user is None:
        raise Unauthorized("Sign in first: a Bearer token, or the studio's session in a browser.")
    return user


@router.get(
    "/connect",
    response_model=ConnectResponse,
    responses={
        303: {"description": "A browser (Accept: text/html) is sent straight to Google"},
        503: ERRORS[503],
    },
)
@writes_on_get
async def connect(
    request: Request,
    session: Session,
    context: Context,
    user: Annotated[User, Depends(browser_or_api_user)],
) -> Response:
    """Start connecting a YouTube channel (OAuth 2.0 with PKCE).

    Browsers (Accept: text/html) get a 303 to Google's consent page; API clients get
    `{authorization_url}` to open in the same browser session. Either way the response sets a
    short-lived cookie holding the `state` and PKCE verifier that the callback checks.
    """
    begun = await connection.start(session, context.settings, user)
    response: Response
    if "text/html" in request.headers.get("accept", ""):
        response = RedirectResponse(begun.authorization_url, status_code=status.HTTP_303_SEE_OTHER)
    else:
        body = ConnectResponse(
            authorization_url=begun.authorization_url, expires_in=begun.expires_in
        )
        response = JSONResponse(body.model_dump())
    response.set_cookie(
        PENDING_COOKIE,
        begun.pending_cookie,
        max_age=begun.expires_in,
        path=PENDING_COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(context.settings),
    )
    return response


@router.get(
    "/callback",
    response_class=RedirectResponse,
    status_code=status.HTTP_303_SEE_OTHER,
    responses={503: ERRORS[503]},
)
@writes_on_get
async def callback(
    request: Request,
    session: Session,
    context: Context,
    google: Google,
    state: Annotated[str | None, Query()] = None,
    code: Annotated[str | None, Query()] = None,
    error: Annotated[str | None, Query()] = None,
) -> RedirectResponse:
    """Google's redirect after consent: stores the channel, then back to the studio with
    `?youtube=connected` or `?youtube=failed&reason=<code>`."""
    result = await connection.finish(
        session,
        context.settings,
        google,
        request.cookies.get(PENDING_COOKIE),
        state=state,
        code=code,
        error=error,
    )
    query = (
        {"youtube": "connected"}
        if result.connected
        else {"youtube": "failed", "reason": result.code}
    )
    response = RedirectResponse(
        f"{STUDIO_HOME}?{urllib.parse.urlencode(query)}", status_code=status.HTTP_303_SEE_OTHER
    )
    response.delete_cookie(
        PENDING_COOKIE,
        path=PENDING_COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(context.settings),
    )
    return response


@router.get("/channel", response_model=ChannelResponse, responses={503: ERRORS[503]})
async def channel(user: CurrentUser, session: Session, context: Context) -> ChannelResponse:
    """The connected channel; `connected: false` (with the reason, if it was disconnected)."""
    return await connection.status(session, context.settings, user)


@router.post("/disconnect", response_model=ChannelResponse)
async def disconnect(
    user: CurrentUser, session: Session, context: Context, google: Google
) -> ChannelResponse:
    """Forget the channel's authorization and revoke it at Google."""
    return await connection.disconnect(session, context.settings, google, user)


@router.post(
    "/upload",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=VideoResponse,
    responses={code: ERRORS[code] for code in (404, 409, 503)},
)
async def upload(
    body: UploadRequest, request: Request, user: CurrentUser, session: Session, context: Context
) -> JSONResponse:
    """Queue the upload of a completed project's film (free of credits); poll
    GET /api/youtube/videos/{id}. Send an Idempotency-Key header to make retries safe."""
    return await respond_once(
        session,
        user,
        request,
        body,
        status.HTTP_202_ACCEPTED,
        lambda: service.queue_upload(session, context.settings, user, body, context.storage),
    )


@router.get("/videos", response_model=VideoListResponse)
async def videos(
    user: CurrentUser, session: Session, paging: Annotated[PageParams, Depends(page_params)]
) -> VideoListResponse:
    """The signed-in user's uploads, newest first, with status and failure reason."""
    return await service.list_videos(session, user, paging)


@router.get("/videos/{upload_id}", response_model=VideoResponse, responses={404: ERRORS[404]})
async def video(upload_id: uuid.UUID, user: CurrentUser, session: Session) -> VideoResponse:
    """One upload and where it stands."""
    return await service.get_video(session, user, upload_id)
