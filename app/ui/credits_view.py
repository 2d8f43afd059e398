"""Pure display helpers of the Credits tab: the balance card, plans and readable ledger rows."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from app.credits.schemas import BalanceResponse
from app.ui.formatting import CellType, day_label, minutes_label, time_html
from app.uploads.schemas import StorageUsage
from db.enums import LedgerReason, PlanType
from db.models import CreditLedgerEntry, Plan

REASON_LABELS: dict[LedgerReason, str] = {
    LedgerReason.SIGNUP: "Welcome credits",
    LedgerReason.TOPUP: "Plan top-up",
    LedgerReason.DEBIT: "Film or AI job",
    LedgerReason.REFUND: "Refund of a failed or cancelled job",
    LedgerReason.ADJUSTMENT: "Adjustment by an administrator",
    LedgerReason.GRANT: "Monthly credits",
    LedgerReason.EXPIRY: "Unspent credits expired",
    LedgerReason.UPGRADE: "Plan upgrade",
    LedgerReason.CLAWBACK: "Payment refunded or disputed",
}
"""What each ledger reason means to a creator."""

HISTORY_TYPES: list[CellType] = ["html", "str", "str", "str", "str"]
"""Column types of the credit history table."""

LIVE_STATUSES = frozenset({"active", "trialing", "past_due"})

MIB = 1024 * 1024
"""Bytes in a mebibyte, for the storage line."""


def reason_label(reason: LedgerReason) -> str:
    """'Monthly credits', 'Unspent credits expired'..."""
    return REASON_LABELS.get(reason, reason.value.capitalize())


def is_subscribed(balance: BalanceResponse) -> bool:
    """A Stripe subscription is running (manage it in the portal rather than subscribe)."""
    return balance.subscription_status in LIVE_STATUSES


def renewal_text(balance: BalanceResponse, plan_credits: int) -> str:
    """When and how the credits renew, in one sentence."""
    when = day_label(balance.renews_at)
    if balance.renews_at is None:
        return "No renewal scheduled"
    if balance.cancel_at_period_end:
        return f"Your {balance.plan_type.value} plan ends on {when}; then the Free plan"
    if balance.pending_plan is not None:
        return f"Switches to {balance.pending_plan.value} on {when}"
    return f"Renews on {when} with {plan_credits} credits"


def balance_html(
    balance: BalanceResponse, plan_credits: int, storage: StorageUsage | None = None
) -> str:
    """The balance card (with the uploads' share of the storage quota when known), with a
    warning banner when the last payment failed."""
    facts = [
        ("Plan", balance.plan_type.value),
        ("Cost", f"{balance.credits_per_minute} credits per minute of film"),
        ("Longest film", minutes_label(balance.max_video_length)),
        ("Renewal", renewal_text(balance, plan_credits)),
    ]
    if storage is not None:
        facts.append(
            (
                "Uploads",
                f"{storage.bytes_used / MIB:.1f} of {storage.bytes_limit / MIB:.0f} MB, "
                f"{storage.files_used} of {storage.files_limit} files",
            )
        )
    rows = "".join(f"<dt>{label}</dt><dd>{escape(value)}</dd>" for label, value in facts)
    banner = (
        '<div class="notice notice-warning" role="alert" id="payment-failed">Your last payment '
        "failed. Update your card under Manage subscription; your plan stays until Stripe "
        "ends it.</div>"
        if balance.payment_failed
        else ""
    )
    return (
        f'{banner}<section class="balance-card" aria-label="Credit balance">'
        f'<div class="sub">Your balance</div><div class="big" id="credit-balance">'
        f"{balance.balance} credits</div><dl>{rows}</dl></section>"
    )


def price_label(price: Decimal | float) -> str:
    """'$39' or '$39.50' a month."""
    amount = Decimal(str(price))
    return f"${amount:.0f}" if amount == amount.to_integral_value() else f"${amount:.2f}"


def history_rows(entries: list[CreditLedgerEntry]) -> list[list[str]]:
    """The ledger, newest first, with readable reasons; the date is a <time> the page shows
    in the viewer's time zone (HISTORY_TYPES)."""
    return [
        [
            time_html(entry.created_at),
            f"{entry.delta:+d}",
            str(entry.balance_after),
            reason_label(entry.reason),
            entry.note,
        ]
        for entry in entries
    ]


def film_minutes_per_month(plan: Plan) -> int:
    """Minutes of film a month's credits pay for."""
    return plan.credits_per_month // plan.credits_per_minute if plan.credits_per_minute else 0


def cost_per_minute_label(plan: Plan) -> str:
    """What a minute of film costs on the plan, in money: '$0.65 per film minute'."""
    minutes = film_minutes_per_month(plan)
    if not minutes or Decimal(str(plan.price)) == 0:
        return "Free"
    per_minute = Decimal(str(plan.price)) / minutes
    return f"${per_minute:.2f} per film minute"


def plan_cards_html(plans: list[Plan], current: PlanType) -> str:
    """The plans as cards: price, credits, film minutes, cost per minute; yours marked."""
    cards = []
    for plan in plans:
        yours = plan.plan_type is current
        minutes = film_minutes_per_month(plan)
        facts = [
            f"{plan.credits_per_month} credits a month",
            f"{plan.credits_per_minute} credits per film minute",
            f"{minutes} film minute{'s' if minutes != 1 else ''} a month",
            f"Films up to {minutes_label(plan.max_video_length)}",
            cost_per_minute_label(plan),
        ]
        items = "".join(f"<li>{escape(fact)}</li>" for fact in facts)
        mark = '<span class="yours">Your plan</span>' if yours else ""
        cards.append(
            f'<li class="plan-card{" current" if yours else ""}" '
            f'aria-current="{"true" if yours else "false"}">{mark}'
            f"<h3>{escape(plan.plan_type.value.capitalize())}</h3>"
            f'<p class="price">{escape(price_label(plan.price))}<small> / month</small></p>'
            f"<ul>{items}</ul></li>"
        )
    return f'<ul class="plan-cards" aria-label="Plans">{"".join(cards)}</ul>'
