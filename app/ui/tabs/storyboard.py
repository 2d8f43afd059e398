"""Storyboard: the open film's scenes as cards; edit, add, remove, reorder and preview one,
then render only what changed."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import gradio as gr
from gradio.events import Dependency
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.storyboard import preview, service
from app.storyboard.board import ref_filename
from app.storyboard.schemas import (
    SceneEditRequest,
    SceneInsertRequest,
    SceneListResponse,
)
from app.ui.formatting import notice_html
from app.ui.messages import error_message
from app.ui.runtime import StudioRuntime
from app.ui.storyboard_view import (
    estimate_html,
    preview_html,
    render_label,
    scene_choice,
    strip_html,
)
from app.ui.widgets import placeholder_html, section_title
from db.models import User

NOTHING_OPEN = "Open a film under My films, then press Storyboard to edit its scenes."
FILM_VOICE = ""
"""The voice picker's value for "the film's voice"."""
NO_IMAGE = ""
"""The image picker's value for "no pinned image" (the film's images are spread)."""
VOICE_CHOICES = [("Film's voice", FILM_VOICE), ("Male", "male"), ("Female", "female"),
                 ("Neutral", "neutral")]  # fmt: skip

Edit = Callable[[AsyncSession, User, uuid.UUID], Awaitable[SceneListResponse]]


class StoryboardTab:
    """The scenes of the film chosen under My films (the shared `selected` state)."""

    def __init__(self, runtime: StudioRuntime, selected: gr.State) -> None:
        self.runtime = runtime
        self.selected = selected
        self.board = gr.State(None)
        self.refs = gr.State([])
        gr.HTML(section_title("Storyboard", "Each scene is a paragraph of the script."))
        self.placeholder = gr.HTML(placeholder_html(NOTHING_OPEN))
        with gr.Column(visible=False) as self.panel:
            self.strip = gr.HTML(elem_id="storyboard-strip")
            self.scene = gr.Dropdown(label="Scene", choices=[], interactive=True)
            self.text = gr.Textbox(label="Scene text", lines=4)
            with gr.Row():
                self.speaker = gr.Textbox(label="Speaker", placeholder="narrator")
                self.image = gr.Dropdown(label="Pinned image", choices=[], interactive=True)
                self.voice = gr.Dropdown(
                    label="Scene voice", choices=VOICE_CHOICES, value=FILM_VOICE
                )
            with gr.Row():
                self.save = gr.Button("Save scene", variant="primary")
                self.add = gr.Button("Add as new scene after")
                self.remove = gr.Button("Delete scene", variant="stop")
                self.earlier = gr.Button("Move earlier")
                self.later = gr.Button("Move later")
                self.preview = gr.Button("Preview scene")
            self.preview_player = gr.HTML(elem_id="scene-preview")
            self.estimate = gr.HTML(elem_id="render-estimate")
            self.render = gr.Button("Render changes", variant="primary", elem_id="render-changes")
        self.notice = gr.HTML(elem_id="storyboard-notice")

    @property
    def outputs(self) -> list[Any]:
        """What showing the storyboard updates."""
        return [
            self.placeholder,
            self.panel,
            self.board,
            self.refs,
            self.strip,
            self.scene,
            self.text,
            self.speaker,
            self.image,
            self.voice,
            self.estimate,
            self.render,
            self.notice,
        ]

    def wire(self) -> list[Dependency]:
        """Attach the tab's events; returns the one that spends credits (render)."""
        private: dict[str, Any] = {"api_visibility": "private"}
        fields = [self.selected, self.scene, self.text, self.speaker, self.image, self.voice]
        self.scene.input(
            self.pick, inputs=[self.board, self.refs, self.scene], outputs=self.outputs, **private
        )
        self.save.click(
            self.save_scene, inputs=[*fields, self.board], outputs=self.outputs, **private
        )
        self.add.click(self.add_scene, inputs=fields, outputs=self.outputs, **private)
        self.remove.click(
            self.delete_scene, inputs=[self.selected, self.scene], outputs=self.outputs, **private
        )
        self.earlier.click(
            self.move_earlier, inputs=[self.selected, self.scene], outputs=self.outputs, **private
        )
        self.later.click(
            self.move_later, inputs=[self.selected, self.scene], outputs=self.outputs, **private
        )
        self.preview.click(
            self.preview_scene,
            inputs=[self.selected, self.scene],
            outputs=[self.preview_player, self.notice],
            **private,
        )
        rendered = self.render.click(
            self.render_changes, inputs=self.selected, outputs=self.outputs, **private
        )
        return [rendered]

    async def show(
        self, selected: str | None, request: gr.Request, index: int = 0
    ) -> dict[Any, Any]:
        """The storyboard of the selected film, scene `index` in the editor."""
        if selected is None:
            return {self.placeholder: gr.HTML(visible=True), self.panel: gr.Column(visible=False)}
        try:
            async with self.runtime.signed_in(request) as signed:
                project_id = uuid.UUID(selected)
                storage = self.runtime.context.storage
                board = await service.list_scenes(signed.session, signed.user, project_id, storage)
                project, _ = await service.owned_board(signed.session, signed.user, project_id)
                estimate = await service.render_estimate(
                    signed.session, signed.user, project_id, self.runtime.context.settings
                )
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        refs = list(project.images)
        updates = self._editor(board, min(index, len(board.scenes) - 1), refs)
        busy = board.status in ("pending", "processing")
        updates.update(
            {
                self.placeholder: gr.HTML(visible=False),
                self.panel: gr.Column(visible=True),
                self.board: board.model_dump(mode="json"),
                self.refs: refs,
                self.strip: strip_html(board),
                self.estimate: estimate_html(estimate),
                self.render: gr.Button(value=render_label(estimate), interactive=not busy),
            }
        )
        return updates

    def _editor(self, board: SceneListResponse, index: int, refs: list[str]) -> dict[Any, Any]:
        scene = board.scenes[index]
        images = [("None (the film's images are spread)", NO_IMAGE)]
        images += [(ref_filename(ref), ref) for ref in refs]
        return {
            self.scene: gr.Dropdown(
                choices=[scene_choice(item) for item in board.scenes], value=index
            ),
            self.text: scene.text,
            self.speaker: scene.speaker or "",
            self.image: gr.Dropdown(choices=images, value=scene.image or NO_IMAGE),
            self.voice: str(scene.voice) if scene.voice else FILM_VOICE,
        }

    async def pick(
        self, board: dict[str, Any] | None, refs: list[str], index: int | None
    ) -> dict[Any, Any]:
        """Show the picked scene in the editor."""
        if board is None or index is None:
            return {self.notice: gr.skip()}
        return self._editor(SceneListResponse.model_validate(board), int(index), refs)

    async def _change(
        self, selected: str | None, request: gr.Request, edit: Edit, index: int, done: str
    ) -> dict[Any, Any]:
        if selected is None:
            return {self.notice: gr.skip()}
        try:
            async with self.runtime.signed_in(request) as signed:
                await edit(signed.session, signed.user, uuid.UUID(selected))
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        updates = await self.show(selected, request, index)
        updates[self.notice] = notice_html("success", done)
        return updates

    async def save_scene(
        self,
        selected: str | None,
        index: int | None,
        text: str,
        speaker: str,
        image: str,
        voice: str,
        board: dict[str, Any] | None,
        request: gr.Request,
    ) -> dict[Any, Any]:
        """Save the editor's changes to the scene (only the fields that changed)."""
        if index is None or board is None:
            return {self.notice: gr.skip()}
        scene = SceneListResponse.model_validate(board).scenes[int(index)]
        changes: dict[str, Any] = {}
        if text != scene.text:
            changes["text"] = text
        if speaker.strip() != (scene.speaker or ""):
            changes["speaker"] = speaker
        if (image or NO_IMAGE) != (scene.image or NO_IMAGE):
            changes["image"] = image or None
        if (voice or FILM_VOICE) != (str(scene.voice) if scene.voice else FILM_VOICE):
            changes["voice"] = voice or None
        try:
            body = SceneEditRequest.model_validate(changes)
        except ValidationError as error:
            return {self.notice: notice_html("error", error_message(error))}
        storage = self.runtime.context.storage

        async def edit(
            session: AsyncSession, user: User, project_id: uuid.UUID
        ) -> SceneListResponse:
            return await service.edit_scene(session, user, project_id, int(index), body, storage)

        return await self._change(
            selected, request, edit, int(index), f"Scene {int(index) + 1} saved."
        )

    async def add_scene(
        self,
        selected: str | None,
        index: int | None,
        text: str,
        speaker: str,
        image: str,
        voice: str,
        request: gr.Request,
    ) -> dict[Any, Any]:
        """Add the editor's text as a new scene after the picked one."""
        position = 0 if index is None else int(index) + 1
        values: dict[str, Any] = {"text": text, "position": position}
        if speaker.strip():
            values["speaker"] = speaker
        if image:
            values["image"] = image
        if voice:
            values["voice"] = voice
        try:
            body = SceneInsertRequest.model_validate(values)
        except ValidationError as error:
            return {self.notice: notice_html("error", error_message(error))}
        storage = self.runtime.context.storage

        async def edit(
            session: AsyncSession, user: User, project_id: uuid.UUID
        ) -> SceneListResponse:
            return await service.insert_scene(session, user, project_id, body, storage)

        return await self._change(selected, request, edit, position, f"Scene {position + 1} added.")

    async def delete_scene(
        self, selected: str | None, index: int | None, request: gr.Request
    ) -> dict[Any, Any]:
        """Remove the picked scene."""
        if index is None:
            return {self.notice: gr.skip()}
        storage = self.runtime.context.storage

        async def edit(
            session: AsyncSession, user: User, project_id: uuid.UUID
        ) -> SceneListResponse:
            return await service.delete_scene(session, user, project_id, int(index), storage)

        return await self._change(
            selected, request, edit, max(0, int(index) - 1), f"Scene {int(index) + 1} deleted."
        )

    async def move_earlier(
        self, selected: str | None, index: int | None, request: gr.Request
    ) -> dict[Any, Any]:
        """Swap the picked scene with the one before it."""
        return await self._move(selected, index, -1, request)

    async def move_later(
        self, selected: str | None, index: int | None, request: gr.Request
    ) -> dict[Any, Any]:
        """Swap the picked scene with the one after it."""
        return await self._move(selected, index, 1, request)

    async def _move(
        self, selected: str | None, index: int | None, step: int, request: gr.Request
    ) -> dict[Any, Any]:
        if index is None or int(index) + step < 0:
            return {self.notice: gr.skip()}
        start, to = int(index), int(index) + step
        storage = self.runtime.context.storage

        async def edit(
            session: AsyncSession, user: User, project_id: uuid.UUID
        ) -> SceneListResponse:
            return await service.move_scene(session, user, project_id, start, to, storage)

        return await self._change(selected, request, edit, to, f"Scene moved to {to + 1}.")

    async def preview_scene(
        self, selected: str | None, index: int | None, request: gr.Request
    ) -> tuple[Any, str]:
        """Render the picked scene alone at 360p and play it (free)."""
        if selected is None or index is None:
            return gr.skip(), ""
        try:
            async with self.runtime.signed_in(request) as signed:
                made = await preview.preview_scene(
                    signed.session, signed.user, uuid.UUID(selected), int(index),
                    self.runtime.context,
                )  # fmt: skip
        except Exception as error:
            return gr.skip(), notice_html("error", error_message(error))
        return preview_html(made.url, made.index), ""

    async def render_changes(self, selected: str | None, request: gr.Request) -> dict[Any, Any]:
        """Render what changed (charged as estimated), then show the storyboard again."""
        if selected is None:
            return {self.notice: gr.skip()}
        try:
            async with self.runtime.signed_in(request) as signed:
                queued = await service.render_changes(
                    signed.session, signed.user, uuid.UUID(selected)
                )
        except Exception as error:
            return {self.notice: notice_html("error", error_message(error))}
        updates = await self.show(selected, request)
        updates[self.notice] = notice_html(
            "success",
            f"Rendering: {queued.credits_charged} credits charged, {queued.credits_balance} "
            "left. Follow it under My films.",
        )
        return updates
