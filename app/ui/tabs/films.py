"""My films: the list, and the open film's progress, player, downloads and actions."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import gradio as gr
from anyio import to_thread
from gradio.events import Dependency

from app.config import Settings
from app.errors import AppError
from app.projects import service as projects
from app.projects.service import BUSY_STATUSES
from app.quality.service import GATE_FAILED
from app.schemas import MAX_PAGE_SIZE, PageParams
from app.ui.cards import OPEN_CARD_JS, film_cards_html
from app.ui.eta import smooth_eta
from app.ui.film_estimate import TOP_UP_TAB, credits_shortfall
from app.ui.film_poster import poster_url
from app.ui.film_price import regenerate_price
from app.ui.film_view import (
    FILM_TABLE_HEADERS,
    FILM_TABLE_TYPES,
    FilmView,
    film_rows,
    film_view,
)
from app.ui.film_warnings import render_warnings, warnings_html
from app.ui.formatting import failed_checks_html, notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.widgets import POLL_INTERVAL_S, placeholder_html, section_title
from app.youtube import connection as youtube_connection
from app.youtube import service as youtube_service
from app.youtube.configured import is_configured
from app.youtube.schemas import UploadRequest
from db.enums import ProjectStatus

log = logging.getLogger(__name__)

FIRST_PAGE = PageParams(page=1, per_page=MAX_PAGE_SIZE)
NOTHING_OPEN = "Choose a film from the list to watch it, download it or render it again."
NO_FILMS = "No films yet: write a script on the New film tab and press Generate."


YOUTUBE_UNAVAILABLE = "Publishing to YouTube isn't available on this studio yet."
LIST_POLL_S = 3.0
"""How often the film list refreshes itself while a film is queued or rendering."""
YOUTUBE_CONNECT_PATH = "/api/youtube/connect"
"""Opening it in the browser leads through Google's consent screen back to the studio."""


def publish_note(settings: Settings) -> str:
    """What publishing to YouTube does, or why it is not available."""
    if not is_configured(settings):
        return f'<p class="publish-note">{YOUTUBE_UNAVAILABLE}</p>'
    return (
        '<p class="publish-note">Publishing uploads a finished film to your YouTube channel as a '
        "private video with its captions, marked as altered or synthetic content. "
        f'<a href="{YOUTUBE_CONNECT_PATH}">Connect or change your channel</a>.</p>'
    )


class FilmsTab:
    """The creator's films and the one they opened."""

    def __init__(self, runtime: StudioRuntime, settings: Settings, selected: gr.State) -> None:
        self.runtime = runtime
        self.settings = settings
        self.publishing = is_configured(settings)
        self.selected = selected
        self.ids = gr.State([])
        self.timer = gr.Timer(POLL_INTERVAL_S, active=False)
        self.list_timer = gr.Timer(LIST_POLL_S, active=False)
        self.eta = gr.State(None)
        self.editing = False
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                gr.HTML(section_title("My films", "Newest first. Click a film to open it."))
                self.table = gr.Dataframe(
                    headers=FILM_TABLE_HEADERS,
                    datatype=FILM_TABLE_TYPES,
                    label="Your films",
                    interactive=False,
                    column_widths=["34%", "20%", "16%", "30%"],
                    type="array",
                    wrap=True,
                    max_height=520,
                    elem_id="films-table",
                    elem_classes=["wide-only"],
                )
                self.cards = gr.HTML(
                    elem_id="film-cards", elem_classes=["narrow-only"], js_on_load=OPEN_CARD_JS
                )
                self.list_notice = gr.HTML()
                self.refresh = gr.Button("Refresh list", size="sm")
            with gr.Column(scale=3):
                self.placeholder = gr.HTML(placeholder_html(NOTHING_OPEN))
                with gr.Column(visible=False) as self.panel:
                    self.heading = gr.HTML()
                    self.progress = gr.HTML(elem_id="film-progress")
                    self.warnings = gr.HTML(elem_id="film-warnings")
                    self.player = gr.HTML(elem_id="film-player")
                    self.downloads = gr.HTML(elem_id="film-downloads")
                    with gr.Row():
                        self.regenerate = gr.Button("Regenerate", variant="secondary")
                        self.storyboard = gr.Button("Storyboard", variant="secondary")
                        self.delete = gr.Button("Delete film", variant="stop")
                        self.publish = gr.Button("Publish to YouTube", interactive=False)
                    self.regenerate_reason = gr.HTML(elem_id="regenerate-reason")
                    self.publish_note = gr.HTML(publish_note(settings))
                    with gr.Row(visible=False, elem_id="regenerate-confirm") as self.regen_row:
                        self.regen_text = gr.HTML()
                        self.confirm_regenerate = gr.Button("Yes, render again", variant="primary")
                        self.edit_rerender = gr.Button(
                            "Edit and re-render", visible=False, elem_id="edit-rerender"
                        )
                        self.keep_render = gr.Button("Cancel")
                    with gr.Row(visible=False) as self.confirm_row:
                        self.confirm_text = gr.HTML()
                        self.confirm_delete = gr.Button("Yes, delete it", variant="stop")
                        self.keep = gr.Button("Keep it")
                    self.notice = gr.HTML(elem_id="film-notice")

    @property
    def list_outputs(self) -> list[Any]:
        """What refreshing the list updates."""
        return [self.table, self.cards, self.ids, self.list_notice, self.list_timer]

    @property
    def panel_outputs(self) -> list[Any]:
        """What showing the open film updates."""
        return [
            self.placeholder,
            self.panel,
            self.heading,
            self.progress,
            self.warnings,
            self.player,
            self.downloads,
            self.regenerate,
            self.regenerate_reason,
            self.regen_row,
            self.delete,
            self.publish,
            self.confirm_row,
            self.notice,
            self.timer,
            self.eta,
            *self.list_outputs,
        ]

    def wire(self) -> list[Dependency]:
        """Attach the tab's events; returns those that change the balance (regenerate, delete)."""
        self.refresh.click(self.list_films, outputs=self.list_outputs, api_visibility="private")
        self.table.select(
            self.pick, inputs=self.ids, outputs=self.selected, api_visibility="private"
        ).then(
            self.show,
            inputs=self.selected,
            outputs=self.panel_outputs,
            api_visibility="private",
        )
        self.cards.click(self.pick_card, outputs=self.selected, api_visibility="private").then(
            self.show,
            inputs=self.selected,
            outputs=self.panel_outputs,
            api_visibility="private",
        )
        self.timer.tick(
            self.poll,
            inputs=[self.selected, self.eta],
            outputs=self.panel_outputs,
            show_progress="hidden",
            api_visibility="private",
        )
        self.list_timer.tick(
            self.list_films,
            outputs=self.list_outputs,
            show_progress="hidden",
            api_visibility="private",
        )
        self.regenerate.click(
            self.ask_regenerate,
            inputs=self.selected,
            outputs=[
                self.regen_row,
                self.regen_text,
                self.confirm_regenerate,
                self.confirm_row,
                self.notice,
                self.edit_rerender,
            ],
            api_visibility="private",
        )
        self.keep_render.click(
            lambda: gr.Row(visible=False), outputs=self.regen_row, api_visibility="private"
        )
        regenerated = self.confirm_regenerate.click(
            self.regenerate_film,
            inputs=self.selected,
            outputs=self.panel_outputs,
            api_visibility="private",
        )
        self.publish.click(
            self.publish_film, inputs=self.selected, outputs=self.notice, api_visibility="private"
        )
        self.delete.click(
            self.ask_delete,
            outputs=[self.confirm_row, self.confirm_text, self.regen_row],
            api_visibility="private",
        )
        self.keep.click(
            lambda: gr.Row(visible=False), outputs=self.confirm_row, api_visibility="private"
        )
        deleted = self.confirm_delete.click(
            self.delete_film,
            inputs=self.selected,
            outputs=[self.selected, *self.panel_outputs],
            api_visibility="private",
        )
        return [regenerated, deleted]

    async def list_films(self, request: gr.Request) -> dict[Any, Any]:
        """The newest films of the signed-in creator."""
        try:
            async with self.runtime.signed_in(request) as signed:
                page = await projects.list_page(
                    signed.session, signed.user, FIRST_PAGE, self.runtime.context.storage
                )
        except Exception as error:
            return {self.list_notice: notice_html("error", error_message(error))}
        note = ""
        if not page.projects:
            note = notice_html("info", NO_FILMS)
        elif page.total > len(page.projects):
            note = notice_html("info", f"Showing the newest {len(page.projects)} of {page.total}.")
        rendering = any(project.status in BUSY_STATUSES for project in page.projects)
        return {
            self.table: film_rows(page.projects),
            self.cards: film_cards_html(page.projects),
            self.ids: [str(project.id) for project in page.projects],
            self.list_notice: note,
            self.list_timer: gr.Timer(active=rendering),
        }

    async def newest_rendering(self, request: gr.Request) -> str | None:
        """The id of the creator's newest queued or rendering film, if any."""
        try:
            async with self.runtime.signed_in(request) as signed:
                page = await projects.list_page(
                    signed.session, signed.user, FIRST_PAGE, self.runtime.context.storage
                )
        except Exception:
            return None
        busy = [project for project in page.projects if project.status in BUSY_STATUSES]
        return str(busy[0].id) if busy else None

    def pick(self, ids: list[str], event: gr.SelectData) -> str | None:
        """The id of the clicked row's film."""
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        return ids[row] if isinstance(row, int) and 0 <= row < len(ids) else None

    def pick_card(self, event: gr.EventData) -> str | None:
        """The id of the tapped film card (the films list on a narrow screen)."""
        film = getattr(event, "film", None)
        try:
            return str(uuid.UUID(str(film)))
        except ValueError:
            return None

    async def show(self, selected: str | None, request: gr.Request) -> dict[Any, Any]:
        """Open a film: its panel, and the progress timer while it renders."""
        return await self._panel(selected, request, refresh_list=False)

    async def poll(self, selected: str | None, eta: object, request: gr.Request) -> dict[Any, Any]:
        """One progress tick (the time left smoothed with the previous tick's); when the
        render ends the timer stops and the list refreshes."""
        return await self._panel(selected, request, refresh_list=True, eta=eta)

    async def _panel(
        self,
        selected: str | None,
        request: gr.Request,
        refresh_list: bool,
        message: str = "",
        eta: object = None,
    ) -> dict[Any, Any]:
        if selected is None:
            return {
                self.placeholder: gr.HTML(visible=True),
                self.panel: gr.Column(visible=False),
                self.timer: gr.Timer(active=False),
            }
        try:
            async with self.runtime.signed_in(request) as signed:
                project = await projects.get(
                    signed.session, signed.user, uuid.UUID(selected), self.runtime.context.storage
                )
                warnings = await render_warnings(signed.session, project.id, project.job_id)
                price = await regenerate_price(signed, project.id)
        except Exception as error:
            return {
                self.notice: notice_html("error", error_message(error)),
                self.timer: gr.Timer(active=False),
            }
        shown_eta, eta_memory = smooth_eta(eta, str(project.id), project.eta_seconds, time.time())
        poster = None
        if project.status is ProjectStatus.COMPLETE and project.job_id is not None:
            poster = await poster_url(self.runtime.context.storage, project.id, project.job_id)
        view: FilmView = film_view(
            project.model_copy(update={"eta_seconds": shown_eta}), poster_url=poster
        )
        reason = ""
        if not view.busy and price.cost > price.balance:
            reason = (
                f'<p class="action-reason">Regenerate is off: '
                f"{credits_shortfall(price.cost, price.balance)} "
                f'<button type="button" class="topup-button" data-open-tab="{TOP_UP_TAB}">'
                "Top up credits</button></p>"
            )
        updates: dict[Any, Any] = {
            self.placeholder: gr.HTML(visible=False),
            self.panel: gr.Column(visible=True),
            self.heading: view.heading,
            self.progress: view.progress,
            self.warnings: warnings_html(warnings),
            self.player: view.player,
            self.downloads: view.downloads,
            self.regenerate: gr.Button(interactive=not view.busy and price.cost <= price.balance),
            self.regenerate_reason: reason,
            self.regen_row: gr.Row(visible=False),
            self.publish: gr.Button(
                interactive=self.publishing and project.status is ProjectStatus.COMPLETE
            ),
            self.timer: gr.Timer(active=view.busy),
            self.eta: eta_memory,
        }
        if message:
            updates[self.notice] = message
        if refresh_list and not view.busy:
            updates.update(await self.list_films(request))
        return updates

    async def regenerate_film(self, selected: str | None, request: gr.Request) -> dict[Any, Any]:
        """Render the open film again (charged again), then follow its progress."""
        if selected is None:
            return {self.notice: gr.skip()}
        try:
            async with self.runtime.signed_in(request) as signed:
                queued = await projects.regenerate(signed.session, signed.user, uuid.UUID(selected))
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        message = notice_html(
            "success",
            f"Rendering again: {queued.credits_charged} credits charged, "
            f"{queued.credits_balance} left.",
        )
        updates = await self._panel(selected, request, refresh_list=False, message=message)
        updates.update(await self.list_films(request))
        return updates

    async def publish_film(self, selected: str | None, request: gr.Request) -> Any:
        """Queue the open film's upload to the connected YouTube channel (private)."""
        if selected is None:
            return gr.skip()
        try:
            async with self.runtime.signed_in(request) as signed:
                channel = await youtube_connection.status(
                    signed.session, self.settings, signed.user
                )
                if not channel.connected or channel.channel_id is None:
                    why = f" ({channel.disconnect_reason})" if channel.disconnect_reason else ""
                    return notice_html(
                        "warning",
                        f"Connect a YouTube channel first{why}: use the link "
                        "'Connect or change your channel'.",
                    )
                video = await youtube_service.queue_upload(
                    signed.session,
                    self.settings,
                    signed.user,
                    UploadRequest(project_id=uuid.UUID(selected), channel_id=channel.channel_id),
                    self.runtime.context.storage,
                )
        except AppError as error:
            if error.code == GATE_FAILED:
                failed = list(error.extra.get("failed", []))
                return failed_checks_html(
                    f"This film cannot be published yet: {len(failed)} check(s) failed.", failed
                )
            return notice_html("error", error_message(error))
        except Exception as error:
            return notice_html("error", error_message(error))
        return notice_html(
            "success",
            f"Uploading to '{channel.channel_title}' as a {video.privacy} video; it appears on "
            "YouTube when the upload finishes.",
        )

    def ask_delete(self) -> tuple[Any, str, Any]:
        """Ask before deleting."""
        question = "<p><strong>Delete this film and its files?</strong> This cannot be undone.</p>"
        return gr.Row(visible=True), question, gr.Row(visible=False)

    def enable_editing(self) -> gr.Button:
        """Offer "Edit and re-render" beside the regenerate confirmation; the caller wires the
        returned button to open its editor for the selected film (the Storyboard view)."""
        self.editing = True
        return self.edit_rerender

    async def ask_regenerate(self, selected: str | None, request: gr.Request) -> dict[Any, Any]:
        """Ask before charging for a new render, with its price and the balance after it."""
        if selected is None:
            return {self.regen_row: gr.skip()}
        try:
            async with self.runtime.signed_in(request) as signed:
                price = await regenerate_price(signed, uuid.UUID(selected))
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        question = (
            f"<p><strong>Render this film again for {price.cost} credits?</strong> You have "
            f"{price.balance}; {price.balance - price.cost} will be left. The new render "
            "replaces the current video.</p>"
        )
        return {
            self.regen_row: gr.Row(visible=True),
            self.regen_text: question,
            self.confirm_regenerate: gr.skip(),
            self.confirm_row: gr.Row(visible=False),
            self.edit_rerender: gr.Button(visible=self.editing),
        }

    async def delete_film(self, selected: str | None, request: gr.Request) -> dict[Any, Any]:
        """Delete the open film (an unfinished render is cancelled and refunded)."""
        if selected is None:
            return {self.notice: gr.skip()}
        try:
            async with self.runtime.signed_in(request) as signed:
                prefix = await projects.delete(signed.session, signed.user, uuid.UUID(selected))
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        await self._remove_files(prefix)
        updates = await self._panel(None, request, refresh_list=False)
        updates.update(await self.list_films(request))
        updates[self.selected] = None
        updates[self.confirm_row] = gr.Row(visible=False)
        updates[self.list_notice] = notice_html("success", "The film was deleted.")
        return updates

    async def _remove_files(self, prefix: str) -> None:
        """Remove a deleted film's stored files (after its deletion is committed)."""
        try:
            await to_thread.run_sync(self.runtime.context.storage.delete_prefix, prefix)
        except Exception:
            log.exception("Could not remove the stored files under %s", prefix)
