"""The studio page: header, tabs, and the events that cross tabs."""

from __future__ import annotations

import uuid
from typing import Any

import gradio as gr
from gradio.events import Dependency

from app.config import Settings
from app.ui.account import account_html, header_html, load_account
from app.ui.draft import CLEAR_TYPED_JS, READ_TYPED_JS
from app.ui.film_options import slider_update
from app.ui.formatting import notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.tabs.admin import AdminTab
from app.ui.tabs.credits import CreditsTab
from app.ui.tabs.films import FilmsTab
from app.ui.tabs.new_film import NewFilmTab
from app.ui.tabs.storyboard import StoryboardTab
from app.ui.widgets import UI_CONCURRENCY

NEW_FILM_TAB = "new-film"
FILMS_TAB = "films"
STORYBOARD_TAB = "storyboard"
CREDITS_TAB = "credits"
ADMIN_TAB = "admin"
PAGE_TITLE = "AI Film Studio"
TAB_PARAM = "tab"
"""The studio page's query parameter naming the tab to open (studio.js keeps it current)."""
LINKABLE_TABS = frozenset({NEW_FILM_TAB, FILMS_TAB, CREDITS_TAB})
SCROLL_TO_PROGRESS_JS = """() => {
  const target = document.querySelector('#film-progress') || document.querySelector('#create-notice');
  if (target) { target.scrollIntoView({behavior: 'smooth', block: 'center'}); }
}"""
GRADIO_CACHE_CLEANUP = (3600, 86_400)
"""Every hour, delete files Gradio received or produced (picked images, music previews) that
are over a day old; the stored uploads themselves live in the studio's storage."""


class Studio:
    """Builds the page and wires what one tab's action changes in another."""

    def __init__(self, runtime: StudioRuntime, settings: Settings) -> None:
        self.runtime = runtime
        with gr.Blocks(
            title=PAGE_TITLE, analytics_enabled=False, delete_cache=GRADIO_CACHE_CLEANUP
        ) as self.blocks:
            self.header = gr.HTML(header_html(""))
            self.selected = gr.State(None)
            with gr.Tabs(selected=NEW_FILM_TAB) as self.tabs:
                with gr.Tab("New film", id=NEW_FILM_TAB):
                    self.new_film = NewFilmTab(runtime, settings)
                with gr.Tab("My films", id=FILMS_TAB):
                    self.films = FilmsTab(runtime, settings, self.selected)
                # Shown once a film's storyboard is opened (five tabs do not fit a phone's width).
                with gr.Tab("Storyboard", id=STORYBOARD_TAB, visible=False) as self.storyboard_tab:
                    self.storyboard = StoryboardTab(runtime, self.selected)
                with gr.Tab("Credits", id=CREDITS_TAB):
                    self.credits = CreditsTab(runtime, settings)
                with gr.Tab("Admin", id=ADMIN_TAB, visible=False) as self.admin_tab:
                    self.admin = AdminTab(runtime)
            self._wire()
        self.blocks.queue(default_concurrency_limit=UI_CONCURRENCY)

    @property
    def account_outputs(self) -> list[Any]:
        """What a change of plan or balance updates."""
        return [
            self.header,
            self.new_film.duration,
            self.admin_tab,
            self.new_film.notice,
            *self.admin.outputs,
        ]

    def _wire(self) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}
        new_film = self.new_film
        new_film.wire()
        film_changes = self.films.wire()
        credit_changes = self.credits.wire()
        film_changes += self.storyboard.wire()
        for opener in (self.films.storyboard, self.films.enable_editing()):
            opener.click(
                lambda: (gr.Tab(visible=True), gr.Tabs(selected=STORYBOARD_TAB)),
                outputs=[self.storyboard_tab, self.tabs],
                **private,
            ).then(
                self.storyboard.show,
                inputs=self.selected,
                outputs=self.storyboard.outputs,
                **private,
            )
        self.storyboard_tab.select(
            self.storyboard.show, inputs=self.selected, outputs=self.storyboard.outputs, **private
        )
        self.admin.wire()

        load = self.blocks.load
        load(
            self.refresh_account,
            inputs=new_film.duration,
            outputs=self.account_outputs,
            show_progress="hidden",
            **private,
        ).then(None, js=READ_TYPED_JS, outputs=new_film.typed, **private).then(
            new_film.restore_draft,
            inputs=[new_film.draft, new_film.typed],
            outputs=new_film.restore_outputs,
            **private,
        ).then(
            new_film.refresh_estimate,
            inputs=new_film.estimate_inputs,
            outputs=new_film.estimate_outputs,
            preprocess=False,
            **private,
        )
        load(self.films.list_films, outputs=self.films.list_outputs, **private)
        load(
            self.open_on_load,
            outputs=[self.tabs, self.selected, *self.films.panel_outputs],
            **private,
        )
        load(
            self.credits.start,
            outputs=[
                self.credits.notice,
                self.credits.checkout,
                self.credits.polls,
                self.credits.timer,
            ],
            **private,
        ).then(self.credits.refresh, outputs=self.credits.outputs, **private)
        load(
            new_film.preview_music,
            inputs=new_film.music,
            outputs=[new_film.music, new_film.music_preview],
            **private,
        )

        created = (
            new_film.generate.click(
                new_film.create_film,
                inputs=new_film.create_inputs,
                outputs=new_film.create_outputs,
                preprocess=False,  # raw values: CreateProjectRequest and the service judge them
                **private,
            )
            .then(
                self.open_created,
                inputs=new_film.created,
                outputs=[self.tabs, self.selected, *self.films.panel_outputs],
                **private,
            )
            .then(None, js=CLEAR_TYPED_JS, **private)
            .then(None, js=SCROLL_TO_PROGRESS_JS, **private)
        )
        for change in (created, *credit_changes, *film_changes):
            self._after_balance_change(change)

    def _after_balance_change(self, change: Dependency) -> None:
        """Refresh everything that shows the balance or the plan once `change` has run."""
        new_film = self.new_film
        change.then(
            self.refresh_account,
            inputs=new_film.duration,
            outputs=self.account_outputs,
            show_progress="hidden",
            api_visibility="private",
        ).then(self.credits.refresh, outputs=self.credits.outputs, api_visibility="private").then(
            self.films.show,
            inputs=self.selected,
            outputs=self.films.panel_outputs,
            show_progress="hidden",
            api_visibility="private",
        ).then(
            new_film.refresh_estimate,
            inputs=new_film.estimate_inputs,
            outputs=new_film.estimate_outputs,
            preprocess=False,
            api_visibility="private",
        )

    async def refresh_account(self, minutes: float, request: gr.Request) -> dict[Any, Any]:
        """The header, the length slider's cap and the admin tab, from a fresh account."""
        try:
            async with self.runtime.signed_in(request) as signed:
                account = await load_account(signed)
        except Exception as error:
            return {self.new_film.notice: notice_html("error", error_message(error))}
        updates: dict[Any, Any] = {
            self.header: header_html(account_html(account)),
            self.new_film.duration: slider_update(account, minutes),
            self.admin_tab: gr.Tab(visible=account.is_admin),
        }
        if account.is_admin:
            updates.update(await self.admin.load("", request))
        return updates

    async def open_on_load(self, request: gr.Request) -> dict[Any, Any]:
        """On load: coming back from Stripe (Checkout or the Billing Portal) opens Credits;
        `?tab=` (the place a sign-in returns to) opens that tab; otherwise the newest film
        still queued or rendering is reopened on My films."""
        query = request.query_params
        if "checkout" in query or "billing" in query:
            return {self.tabs: gr.Tabs(selected=CREDITS_TAB)}
        asked = query.get(TAB_PARAM)
        rendering = await self.films.newest_rendering(request)
        updates: dict[Any, Any] = {self.tabs: gr.skip()}
        if rendering is not None:
            updates.update(await self.films.show(rendering, request))
            updates[self.selected] = rendering
        if asked in LINKABLE_TABS:
            updates[self.tabs] = gr.Tabs(selected=asked)
        elif rendering is not None:
            updates[self.tabs] = gr.Tabs(selected=FILMS_TAB)
        return updates

    async def open_created(self, created: uuid.UUID | None, request: gr.Request) -> dict[Any, Any]:
        """After Generate: open the new film on My films and follow its render."""
        if created is None:
            return {self.selected: gr.skip()}
        updates = await self.films.show(str(created), request)
        updates.update(await self.films.list_films(request))
        updates[self.selected] = str(created)
        updates[self.tabs] = gr.Tabs(selected=FILMS_TAB)
        return updates
