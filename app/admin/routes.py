"""Admin-only routes: every user, the audit log, credit adjustments."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.admin import service
from app.admin.schemas import (
    AdjustCreditsRequest,
    AdjustCreditsResponse,
    LogEntryResponse,
    LogListResponse,
    OutboxEmailResponse,
    OutboxListResponse,
    UserListResponse,
)
from app.deps import AdminUser, Session
from app.schemas import LineText, PageParams, page_params
from app.users import service as user_service
from app.users.schemas import ProfileResponse
from db.repositories import logs as log_repo
from db.repositories import outbox as outbox_repo
from db.repositories import users as user_repo

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    responses={403: {"description": "Not an administrator"}},
)

Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/users", response_model=UserListResponse)
async def list_users(_: AdminUser, session: Session, paging: Paging) -> UserListResponse:
    """Every account, newest first."""
    page = await user_repo.list_page(session, paging.offset, paging.per_page)
    return UserListResponse(
        users=[ProfileResponse.model_validate(user) for user in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.get("/logs", response_model=LogListResponse)
async def list_logs(
    _: AdminUser,
    session: Session,
    paging: Paging,
    user_id: Annotated[uuid.UUID | None, Query(description="Only this user's rows.")] = None,
    project_id: Annotated[uuid.UUID | None, Query(description="Only this project's rows.")] = None,
    action: Annotated[
        LineText | None, Query(max_length=255, description="e.g. project.create")
    ] = None,
) -> LogListResponse:
    """The audit log, newest first, optionally filtered."""
    page = await log_repo.list_page(
        session,
        paging.offset,
        paging.per_page,
        user_id=user_id,
        project_id=project_id,
        action=action,
    )
    return LogListResponse(
        logs=[LogEntryResponse.model_validate(row) for row in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.get("/outbox", response_model=OutboxListResponse)
async def list_outbox(
    _: AdminUser,
    session: Session,
    paging: Paging,
    recipient: Annotated[
        LineText | None, Query(max_length=255, description="Only emails to this address.")
    ] = None,
) -> OutboxListResponse:
    """Account emails kept while no SMTP server is configured (SMTP_URL), newest first: the
    confirmation and password-reset links an administrator can pass on by hand."""
    page = await outbox_repo.list_page(
        session,
        paging.offset,
        paging.per_page,
        recipient=recipient.strip().lower() if recipient else None,
    )
    return OutboxListResponse(
        emails=[OutboxEmailResponse.model_validate(row) for row in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.post(
    "/users/{user_id}/credits",
    response_model=AdjustCreditsResponse,
    responses={
        404: {"description": "No such user"},
        409: {"description": "Removing more credits than the user has (body has balance)"},
        422: {"description": "A zero or too large change, or no reason"},
    },
)
async def adjust_credits(
    user_id: uuid.UUID, body: AdjustCreditsRequest, admin: AdminUser, session: Session
) -> AdjustCreditsResponse:
    """Grant (positive delta) or remove (negative) a user's credits, with a required reason."""
    return await service.adjust_credits(session, admin, user_id, body.delta, body.reason)


@router.post(
    "/users/{user_id}/disable",
    response_model=ProfileResponse,
    responses={404: {"description": "No such user"}, 409: {"description": "Your own account"}},
)
async def disable_user(user_id: uuid.UUID, admin: AdminUser, session: Session) -> ProfileResponse:
    """Disable an account: it cannot sign in, and every session it has ends at once."""
    return ProfileResponse.model_validate(
        await user_service.set_disabled(session, admin, user_id, disabled=True)
    )


@router.post(
    "/users/{user_id}/enable",
    response_model=ProfileResponse,
    responses={404: {"description": "No such user"}},
)
async def enable_user(user_id: uuid.UUID, admin: AdminUser, session: Session) -> ProfileResponse:
    """Let a disabled account sign in again."""
    return ProfileResponse.model_validate(
        await user_service.set_disabled(session, admin, user_id, disabled=False)
    )
