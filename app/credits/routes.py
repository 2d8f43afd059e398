"""Credit service routes: /api/credits/balance, /topup, /plans, /ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.credits import service
from app.credits.schemas import (
    BalanceResponse,
    LedgerEntryResponse,
    LedgerResponse,
    PlanResponse,
    TopupRequest,
    TopupResponse,
)
from app.deps import CurrentUser, Session
from app.schemas import PageParams, page_params
from db.repositories import credits as credit_repo
from db.repositories import plans as plan_repo

router = APIRouter(prefix="/api/credits", tags=["credits"])


@router.get("/balance", response_model=BalanceResponse)
async def balance(user: CurrentUser, session: Session) -> BalanceResponse:
    """The signed-in user's credits and plan terms."""
    return await service.balance(session, user)


@router.post("/topup", response_model=TopupResponse)
async def topup(body: TopupRequest, user: CurrentUser, session: Session) -> TopupResponse:
    """Switch to a paid plan and add its monthly credits (a 30-day subscription window)."""
    return await service.topup(session, user, body.plan_type)


@router.get("/plans", response_model=list[PlanResponse])
async def plans(session: Session) -> list[PlanResponse]:
    """Every plan with its price, credits and longest film."""
    return [PlanResponse.model_validate(plan) for plan in await plan_repo.list_all(session)]


@router.get("/ledger", response_model=LedgerResponse)
async def ledger(
    user: CurrentUser, session: Session, paging: Annotated[PageParams, Depends(page_params)]
) -> LedgerResponse:
    """The signed-in user's credit history, newest first."""
    page = await credit_repo.ledger_page(session, user.id, paging.offset, paging.per_page)
    return LedgerResponse(
        entries=[LedgerEntryResponse.model_validate(row) for row in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )
