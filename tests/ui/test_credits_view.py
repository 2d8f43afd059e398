"""The Credits tab's words: readable ledger reasons, the renewal sentence, the failure banner."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.credits.schemas import BalanceResponse
from app.ui.credits_view import balance_html, is_subscribed, reason_label, renewal_text
from db.enums import LedgerReason, PlanType

RENEWS = datetime(2027, 1, 4, 12, tzinfo=UTC)


def _balance(**changes: Any) -> BalanceResponse:
    values: dict[str, Any] = {
        "balance": 30,
        "plan_type": PlanType.PRO,
        "credits_per_minute": 3,
        "max_video_length": 20,
        "subscription_start": datetime(2026, 12, 5, tzinfo=UTC),
        "subscription_end": RENEWS,
        "renews_at": RENEWS,
        "pending_plan": None,
        "subscription_status": "active",
        "cancel_at_period_end": False,
        "payment_failed": False,
        "has_billing_account": True,
    }
    values.update(changes)
    return BalanceResponse(**values)


def test_every_ledger_reason_reads_as_words() -> None:
    labels = {reason: reason_label(reason) for reason in LedgerReason}
    assert labels[LedgerReason.GRANT] == "Monthly credits"
    assert labels[LedgerReason.EXPIRY] == "Unspent credits expired"
    assert labels[LedgerReason.CLAWBACK] == "Payment refunded or disputed"
    assert all(label and "_" not in label for label in labels.values())


def test_the_renewal_sentence_follows_the_subscription() -> None:
    assert renewal_text(_balance(), 60) == "Renews on 04 Jan 2027 with 60 credits"
    assert renewal_text(_balance(pending_plan=PlanType.STANDARD), 30) == (
        "Switches to Standard on 04 Jan 2027"
    )
    assert renewal_text(_balance(cancel_at_period_end=True), 60) == (
        "Your Pro plan ends on 04 Jan 2027; then the Free plan"
    )
    assert renewal_text(_balance(renews_at=None), 60) == "No renewal scheduled"


def test_a_failed_payment_shows_a_banner_and_subscriptions_are_recognised() -> None:
    assert "payment-failed" not in balance_html(_balance(), 60)
    banner = balance_html(_balance(payment_failed=True, subscription_status="past_due"), 60)
    assert 'role="alert"' in banner
    assert "Your last payment failed" in banner
    assert is_subscribed(_balance(subscription_status="past_due"))
    assert not is_subscribed(_balance(subscription_status="canceled"))
    assert not is_subscribed(_balance(subscription_status=None))
