"""Admin (administrators only): every account, credit grants and removals, the audit log."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.admin import service as admin_service
from app.admin.schemas import AdjustCreditsRequest
from app.deps import admin_user
from app.errors import NotFound
from app.ui.formatting import date_label, notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.widgets import section_title
from db.repositories import logs as log_repo
from db.repositories import users as user_repo

USER_HEADERS = ["Name", "Email", "Role", "Plan", "Credits", "Joined"]
LOG_HEADERS = ["Time", "Action", "Message", "User id"]
ROWS = 100
SHORT_ID_CHARS = 8
ADJUST_LABELS = {"delta": "Credits", "reason": "Reason"}


class AdminTab:
    """Users and logs; the handlers re-check the role on every call."""

    def __init__(self, runtime: StudioRuntime) -> None:
        self.runtime = runtime
        gr.HTML(section_title("Users", "Every account, newest first."))
        self.users = gr.Dataframe(
            headers=USER_HEADERS, label="Users", interactive=False, type="array", max_height=360
        )
        gr.HTML(
            section_title(
                "Grant or remove credits",
                "A positive number adds credits, a negative one removes them; the reason "
                "goes in the user's credit history.",
            )
        )
        with gr.Row():
            self.email = gr.Textbox(label="User email", scale=3)
            self.delta = gr.Number(label="Credits", value=0, precision=0, scale=1)
            self.reason = gr.Textbox(label="Reason", scale=3)
            self.adjust = gr.Button("Apply", variant="primary", scale=1)
        self.adjust_notice = gr.HTML(elem_id="adjust-notice")
        gr.HTML(section_title("Activity log", "What happened, newest first."))
        with gr.Row():
            self.action = gr.Textbox(
                label="Filter by action",
                placeholder="any part of it, e.g. project or credits.adjust",
                scale=3,
            )
            self.refresh = gr.Button("Refresh", scale=1)
        self.logs = gr.Dataframe(
            headers=LOG_HEADERS,
            label="Activity log",
            interactive=False,
            type="array",
            wrap=True,
            max_height=420,
        )
        self.notice = gr.HTML()

    @property
    def outputs(self) -> list[Any]:
        """What loading the tab updates."""
        return [self.users, self.logs, self.notice]

    def wire(self) -> None:
        """Attach the tab's events."""
        for trigger in (self.refresh.click, self.action.submit):
            trigger(self.load, inputs=self.action, outputs=self.outputs, api_visibility="private")
        self.adjust.click(
            self.adjust_credits,
            inputs=[self.email, self.delta, self.reason],
            outputs=self.adjust_notice,
            api_visibility="private",
        ).then(self.load, inputs=self.action, outputs=self.outputs, api_visibility="private")

    async def adjust_credits(
        self, email: str, delta: float | None, reason: str, request: gr.Request
    ) -> str:
        """Grant or remove a user's credits, as POST /api/admin/users/{id}/credits does."""
        try:
            change = AdjustCreditsRequest(delta=int(delta or 0), reason=reason or "")
            async with self.runtime.signed_in(request) as signed:
                admin = await admin_user(signed.user)
                target = await user_repo.get_by_email(signed.session, email.strip().lower())
                if target is None:
                    raise NotFound(f"No account uses the email {email.strip()!r}.")
                done = await admin_service.adjust_credits(
                    signed.session, admin, target.id, change.delta, change.reason
                )
        except Exception as error:
            return notice_html("error", error_message(error, ADJUST_LABELS))
        verb = "Added" if done.delta > 0 else "Removed"
        return notice_html(
            "success",
            f"{verb} {abs(done.delta)} credits for {target.email}: balance {done.credits_balance}.",
        )

    async def load(self, action: str, request: gr.Request) -> dict[Any, Any]:
        """The users and the (optionally filtered) log; refused for anyone but an admin."""
        try:
            async with self.runtime.signed_in(request) as signed:
                await admin_user(signed.user)
                users = await user_repo.list_page(signed.session, 0, ROWS)
                logs = await log_repo.list_page(
                    signed.session, 0, ROWS, action_contains=action.strip() or None
                )
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        return {
            self.users: [
                [
                    user.name,
                    user.email,
                    user.role.value,
                    user.plan_type.value,
                    str(user.credits),
                    date_label(user.created_at),
                ]
                for user in users.items
            ],
            self.logs: [
                [
                    date_label(row.timestamp),
                    row.action,
                    row.message,
                    str(row.user_id)[:SHORT_ID_CHARS] if row.user_id else "",
                ]
                for row in logs.items
            ],
            self.notice: notice_html("info", f"No log entries match '{action.strip()}'.")
            if action.strip() and not logs.items
            else "",
        }
