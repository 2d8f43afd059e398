"""Credits: the balance, the plans, a top-up and the credit history."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

import gradio as gr

from app.credits import service as credits
from app.ui.account import Account, load_account
from app.ui.formatting import date_label, day_label, minutes_label, notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.widgets import section_title
from db.enums import PlanType
from db.models import Plan
from db.repositories import credits as credit_repo
from db.repositories import plans as plan_repo

PLAN_HEADERS = ["Plan", "Price / month", "Credits / month", "Credits / minute", "Longest film"]
HISTORY_HEADERS = ["Date", "Change", "Balance", "Reason", "Note"]
HISTORY_ROWS = 50
MIB = 1024 * 1024
PAID_PLANS = [plan for plan in PlanType if plan is not PlanType.FREE]


def balance_html(account: Account) -> str:
    """The balance card."""
    balance = account.balance
    window = (
        f"{day_label(balance.subscription_start)} – {day_label(balance.subscription_end)}"
        if balance.subscription_end
        else "No paid subscription"
    )
    facts = [
        ("Plan", balance.plan_type.value),
        ("Cost", f"{balance.credits_per_minute} credits per minute of film"),
        ("Longest film", minutes_label(balance.max_video_length)),
        ("Subscription", window),
    ]
    if account.storage is not None:
        storage = account.storage
        facts.append(
            (
                "Uploads",
                f"{storage.bytes_used / MIB:.1f} of {storage.bytes_limit / MIB:.0f} MB, "
                f"{storage.files_used} of {storage.files_limit} files",
            )
        )
    rows = "".join(f"<dt>{label}</dt><dd>{escape(value)}</dd>" for label, value in facts)
    return (
        f'<section class="balance-card" aria-label="Credit balance">'
        f'<div class="sub">Your balance</div><div class="big" id="credit-balance">'
        f"{balance.balance} credits</div><dl>{rows}</dl></section>"
    )


def price_label(price: Decimal | float) -> str:
    """'$39' or '$39.50' a month."""
    amount = Decimal(str(price))
    return f"${amount:.0f}" if amount == amount.to_integral_value() else f"${amount:.2f}"


def plan_rows(plans: list[Plan]) -> list[list[str]]:
    """The plans table."""
    return [
        [
            plan.plan_type.value,
            price_label(plan.price),
            str(plan.credits_per_month),
            str(plan.credits_per_minute),
            minutes_label(plan.max_video_length),
        ]
        for plan in plans
    ]


class CreditsTab:
    """Balance, plans, top-up and history."""

    def __init__(self, runtime: StudioRuntime) -> None:
        self.runtime = runtime
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                self.balance = gr.HTML()
                gr.HTML(section_title("Top up", "Adds the plan's monthly credits for 30 days."))
                self.plan = gr.Dropdown(
                    label="Plan to buy",
                    choices=[plan.value for plan in PAID_PLANS],
                    value=PlanType.STANDARD.value,
                )
                self.topup = gr.Button("Top up", variant="primary")
                self.notice = gr.HTML(elem_id="topup-notice")
            with gr.Column(scale=3):
                gr.HTML(section_title("Plans", "Every plan charges per minute of finished film."))
                self.plans = gr.Dataframe(
                    headers=PLAN_HEADERS, label="Plans", interactive=False, type="array"
                )
                gr.HTML(section_title("History", "Every change to your credits."))
                self.history = gr.Dataframe(
                    headers=HISTORY_HEADERS,
                    label="Credit history",
                    interactive=False,
                    column_widths=["26%", "10%", "12%", "12%", "40%"],
                    type="array",
                    wrap=True,
                    max_height=360,
                )

    @property
    def outputs(self) -> list[Any]:
        """What refreshing the tab updates."""
        return [self.balance, self.plans, self.history, self.notice]

    async def refresh(self, request: gr.Request) -> dict[Any, Any]:
        """The balance card, the plans and the latest history rows."""
        try:
            async with self.runtime.signed_in(request) as signed:
                account = await load_account(signed)
                plans = list(await plan_repo.list_all(signed.session))
                ledger = await credit_repo.ledger_page(
                    signed.session, signed.user.id, 0, HISTORY_ROWS
                )
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        history = [
            [
                date_label(entry.created_at),
                f"{entry.delta:+d}",
                str(entry.balance_after),
                entry.reason.value.capitalize(),
                entry.note,
            ]
            for entry in ledger.items
        ]
        return {
            self.balance: balance_html(account),
            self.plans: plan_rows(plans),
            self.history: history,
        }

    async def buy(self, plan: str, request: gr.Request) -> str:
        """Top up with the chosen plan, as POST /api/credits/topup does."""
        try:
            async with self.runtime.signed_in(request) as signed:
                done = await credits.topup(signed.session, signed.user, PlanType(plan))
        except Exception as error:
            return notice_html("error", error_message(error))
        return notice_html(
            "success",
            f"Added {done.credits_added} credits on the {done.plan_type.value} plan: "
            f"{done.credits_balance} credits until {day_label(done.subscription_end)}.",
        )
