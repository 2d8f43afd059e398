"""Credits: the balance and renewal, subscribing or managing the plan, and the credit history.

With Stripe configured each paid plan has a Subscribe button (Stripe Checkout) and a running
subscription a Manage button (the Billing Portal); coming back from Checkout the tab waits,
polling, until the payment's webhook has landed. Without Stripe, development keeps the
seed's top-up.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.events import Dependency

from app.billing import service as billing
from app.billing.config import payments_configured
from app.config import Environment, Settings
from app.credits import service as credits
from app.credits.service import CheckoutRequired
from app.ui.account import load_account
from app.ui.cards import history_cards_html
from app.ui.credits_view import (
    HISTORY_TYPES,
    balance_html,
    history_rows,
    is_subscribed,
    plan_cards_html,
)
from app.ui.formatting import day_label, notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.widgets import section_title
from db.enums import PlanType
from db.repositories import credits as credit_repo
from db.repositories import plans as plan_repo

HISTORY_HEADERS = ["Date", "Change", "Balance", "Reason", "Note"]
HISTORY_ROWS = 50
MIB = 1024 * 1024
PAID_PLANS = [plan for plan in PlanType if plan is not PlanType.FREE]
CONFIRM_POLL_S = 2.0
"""How often the tab asks whether a checkout's payment has landed."""
CONFIRM_POLLS = 90
"""Polls before the tab stops waiting (3 minutes)."""
WAITING = "Waiting for payment confirmation from Stripe…"
REDIRECT_JS = "(url) => { if (url) { window.location.assign(url); } return url; }"


class CreditsTab:
    """Balance, renewal, plans, subscribe / manage (or the development top-up), history."""

    def __init__(self, runtime: StudioRuntime, settings: Settings) -> None:
        self.runtime = runtime
        configured = payments_configured(settings)
        self.payments = configured is True
        self.dev_topup = configured is None and settings.environment is not Environment.PRODUCTION
        self.checkout = gr.State(None)
        self.polls = gr.State(0)
        self.timer = gr.Timer(CONFIRM_POLL_S, active=False)
        self.subscribe: dict[PlanType, gr.Button] = {}
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                self.balance = gr.HTML()
                self.notice = gr.HTML(elem_id="topup-notice")
                if self.payments:
                    gr.HTML(
                        section_title(
                            "Your plan",
                            "Paid monthly through Stripe. Unspent credits expire at renewal.",
                        )
                    )
                    for plan in PAID_PLANS:
                        self.subscribe[plan] = gr.Button(
                            f"Subscribe to {plan.value}", variant="primary", visible=False
                        )
                    self.manage = gr.Button("Manage subscription", visible=False)
                    self.redirect = gr.Textbox(visible=False)
                elif self.dev_topup:
                    gr.HTML(
                        section_title(
                            "Top up",
                            "Development only (payments not configured): adds the plan's "
                            "monthly credits for 30 days.",
                        )
                    )
                    self.plan = gr.Dropdown(
                        label="Plan to buy",
                        choices=[plan.value for plan in PAID_PLANS],
                        value=PlanType.STANDARD.value,
                    )
                    self.topup = gr.Button("Top up", variant="primary")
                else:
                    gr.HTML(
                        notice_html(
                            "info",
                            "Payments are not set up on this studio yet; ask its operator.",
                        )
                    )
            with gr.Column(scale=3):
                gr.HTML(section_title("Plans", "Every plan charges per minute of finished film."))
                self.plans = gr.HTML(elem_id="plan-cards")
                gr.HTML(section_title("History", "Every change to your credits."))
                self.history = gr.Dataframe(
                    headers=HISTORY_HEADERS,
                    datatype=HISTORY_TYPES,
                    label="Credit history",
                    interactive=False,
                    column_widths=["21%", "11%", "12%", "22%", "34%"],
                    type="array",
                    wrap=True,
                    max_height=360,
                    elem_id="history-table",
                    elem_classes=["wide-only"],
                )
                self.history_cards = gr.HTML(elem_id="history-cards", elem_classes=["narrow-only"])

    @property
    def outputs(self) -> list[Any]:
        """What refreshing the tab updates."""
        buttons = [*self.subscribe.values(), self.manage] if self.payments else []
        return [self.balance, self.plans, self.history, self.history_cards, self.notice, *buttons]

    def wire(self) -> list[Dependency]:
        """Attach the tab's events; returns those that change the balance."""
        private: dict[str, Any] = {"api_visibility": "private"}
        changes: list[Dependency] = []
        if self.payments:
            for plan, button in self.subscribe.items():
                button.click(
                    self._subscriber(plan), outputs=[self.redirect, self.notice], **private
                ).then(None, inputs=self.redirect, outputs=self.redirect, js=REDIRECT_JS)
            self.manage.click(
                self.open_portal, outputs=[self.redirect, self.notice], **private
            ).then(None, inputs=self.redirect, outputs=self.redirect, js=REDIRECT_JS)
            changes.append(
                self.timer.tick(
                    self.poll,
                    inputs=[self.checkout, self.polls],
                    outputs=[self.notice, self.timer, self.polls],
                    **private,
                )
            )
        elif self.dev_topup:
            changes.append(
                self.topup.click(self.buy, inputs=self.plan, outputs=self.notice, **private)
            )
        return changes

    async def start(self, request: gr.Request) -> dict[Any, Any]:
        """On page load: coming back from Checkout starts waiting for the payment."""
        query = request.query_params
        if query.get("checkout") == "success" and query.get("session_id") and self.payments:
            return {
                self.notice: notice_html("info", WAITING),
                self.checkout: query["session_id"],
                self.polls: 0,
                self.timer: gr.Timer(active=True),
            }
        if query.get("checkout") == "cancelled":
            return {self.notice: notice_html("info", "Checkout cancelled; nothing was charged.")}
        return {self.checkout: None}

    async def refresh(self, request: gr.Request) -> dict[Any, Any]:
        """The balance card, the plans, the latest history rows and the plan buttons."""
        try:
            async with self.runtime.signed_in(request) as signed:
                account = await load_account(signed)
                plans = list(await plan_repo.list_all(signed.session))
                ledger = await credit_repo.ledger_page(
                    signed.session, signed.user.id, 0, HISTORY_ROWS
                )
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        balance = account.balance
        monthly = {plan.plan_type: plan.credits_per_month for plan in plans}
        renewing = balance.pending_plan or balance.plan_type
        updates: dict[Any, Any] = {
            self.balance: balance_html(balance, monthly.get(renewing, 0), account.storage),
            self.plans: plan_cards_html(plans, balance.plan_type),
            self.history: history_rows(list(ledger.items)),
            self.history_cards: history_cards_html(list(ledger.items)),
        }
        if self.payments:
            subscribed = is_subscribed(balance)
            for button in self.subscribe.values():
                updates[button] = gr.Button(visible=not subscribed)
            updates[self.manage] = gr.Button(visible=balance.has_billing_account)
        return updates

    def _subscriber(self, plan: PlanType) -> Any:
        async def subscribe(request: gr.Request) -> dict[Any, Any]:
            try:
                async with self.runtime.signed_in(request) as signed:
                    url = await billing.checkout_url(
                        signed.session, self.runtime.context.settings, signed.user, plan
                    )
            except Exception as error:
                return {self.redirect: "", self.notice: notice_html("error", error_message(error))}
            return {
                self.redirect: url,
                self.notice: notice_html("info", f"Opening Stripe Checkout for {plan.value}…"),
            }

        return subscribe

    async def open_portal(self, request: gr.Request) -> dict[Any, Any]:
        """Send the creator to Stripe's Billing Portal."""
        try:
            async with self.runtime.signed_in(request) as signed:
                url = await billing.portal_url(
                    signed.session, self.runtime.context.settings, signed.user
                )
        except Exception as error:
            return {self.redirect: "", self.notice: notice_html("error", error_message(error))}
        return {self.redirect: url, self.notice: notice_html("info", "Opening Stripe…")}

    async def poll(self, checkout: str | None, polls: int, request: gr.Request) -> dict[Any, Any]:
        """One check whether the checkout's payment has landed; stops when it has (or after
        CONFIRM_POLLS tries)."""
        if not checkout:
            return {self.timer: gr.Timer(active=False)}
        try:
            async with self.runtime.signed_in(request) as signed:
                status = await billing.checkout_status(signed.session, signed.user, checkout)
        except Exception as error:
            return {
                self.notice: notice_html("error", error_message(error)),
                self.timer: gr.Timer(active=False),
            }
        if status.status == "confirmed":
            return {
                self.notice: notice_html(
                    "success",
                    f"Payment confirmed: you are on the {status.plan_type.value} plan with "
                    f"{status.balance} credits.",
                ),
                self.timer: gr.Timer(active=False),
            }
        if polls + 1 >= CONFIRM_POLLS:
            return {
                self.notice: notice_html(
                    "warning",
                    "Stripe has not confirmed the payment yet; your credits appear here as "
                    "soon as it does. Reload the page later.",
                ),
                self.timer: gr.Timer(active=False),
            }
        return {self.notice: notice_html("info", WAITING), self.polls: polls + 1}

    async def buy(self, plan: str, request: gr.Request) -> str:
        """Top up with the chosen plan, as POST /api/credits/topup does (development)."""
        try:
            async with self.runtime.signed_in(request) as signed:
                done = await credits.topup(
                    signed.session, self.runtime.context.settings, signed.user, PlanType(plan)
                )
        except Exception as error:
            return notice_html("error", error_message(error))
        if isinstance(done, CheckoutRequired):
            return notice_html("info", done.message)
        return notice_html(
            "success",
            f"Added {done.credits_added} credits on the {done.plan_type.value} plan: "
            f"{done.credits_balance} credits until {day_label(done.subscription_end)}.",
        )
