"""Stripe's webhook: POST /api/billing/webhook (no login; the signature is the credential)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request

from app.billing import service
from app.billing.schemas import WebhookResponse
from app.deps import Context, Session

router = APIRouter(prefix="/api/billing", tags=["billing"])


@router.post(
    "/webhook",
    response_model=WebhookResponse,
    responses={
        400: {"description": "Bad, stale or missing signature, or not an event; nothing changed"},
        503: {"description": "Payments are not configured (names the missing settings)"},
    },
)
async def webhook(
    request: Request,
    session: Session,
    context: Context,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> WebhookResponse:
    """Receive a Stripe event: verified, stored by id, applied once (repeats answer 200)."""
    payload = await request.body()
    return await service.receive_webhook(session, context.settings, payload, stripe_signature)
