"""Credit service routes: /api/credits/balance, /topup, /checkout, /portal, /plans, /ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from app.billing import service as billing
from app.billing.schemas import (
    CheckoutRequest,
    CheckoutResponse,
    CheckoutStatusResponse,
    PortalResponse,
)
from app.credits import service
from app.credits.schemas import (
    BalanceResponse,
    LedgerEntryResponse,
    LedgerResponse,
    PlanResponse,
    TopupRequest,
    TopupResponse,
)
from app.deps import Context, CurrentUser, Session
from app.errors import AppError, error_body
from app.schemas import PageParams, page_params
from db.repositories import credits as credit_repo
from db.repositories import plans as plan_repo

router = APIRouter(prefix="/api/credits", tags=["credits"])


@router.get("/balance", response_model=BalanceResponse)
async def balance(user: CurrentUser, session: Session) -> BalanceResponse:
    """The signed-in user's credits and plan terms."""
    return await service.balance(session, user)


@router.post(
    "/topup",
    response_model=TopupResponse,
    responses={
        402: {"description": "Payments are on: pay at the body's checkout_url instead"},
        409: {"description": "Already subscribed: use the billing portal"},
        422: {"description": "The Free plan, or an unknown plan"},
        503: {"description": "Production without payments configured, or Stripe unreachable"},
    },
)
async def topup(
    body: TopupRequest, user: CurrentUser, session: Session, context: Context
) -> TopupResponse | JSONResponse:
    """The seed's top-up: with Stripe configured, answers 402 with a Checkout URL for the
    plan; without it, grants the plan's monthly credits only in development."""
    result = await service.topup(session, context.settings, user, body.plan_type)
    if isinstance(result, AppError):
        return JSONResponse(
            error_body(result.message, result.code, **result.extra),
            status_code=result.status_code,
        )
    return result


@router.post(
    "/checkout",
    response_model=CheckoutResponse,
    responses={
        409: {"description": "Already subscribed: use the billing portal"},
        422: {"description": "The Free plan, or an unknown plan"},
        503: {"description": "Payments are not configured, or Stripe cannot be reached"},
    },
)
async def checkout(
    body: CheckoutRequest, user: CurrentUser, session: Session, context: Context
) -> CheckoutResponse:
    """A Stripe Checkout Session subscribing to the plan; open checkout_url to pay."""
    url = await billing.checkout_url(session, context.settings, user, body.plan_type)
    return CheckoutResponse(checkout_url=url)


@router.get("/checkout/{checkout_session_id}", response_model=CheckoutStatusResponse)
async def checkout_status(
    checkout_session_id: Annotated[str, Path(max_length=255)],
    user: CurrentUser,
    session: Session,
) -> CheckoutStatusResponse:
    """Whether the payment of a checkout (the session_id Stripe returns with) has landed."""
    return await billing.checkout_status(session, user, checkout_session_id)


@router.post(
    "/portal",
    response_model=PortalResponse,
    responses={
        409: {"description": "No billing account yet: subscribe first"},
        503: {"description": "Payments are not configured, or Stripe cannot be reached"},
    },
)
async def portal(user: CurrentUser, session: Session, context: Context) -> PortalResponse:
    """A Stripe Billing Portal URL: change card, switch plan or cancel."""
    return PortalResponse(portal_url=await billing.portal_url(session, context.settings, user))


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
