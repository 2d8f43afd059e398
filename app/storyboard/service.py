"""Storyboard rules: list a project's scenes, edit them in its script, price and queue a
render of what changed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.credits import service as credits
from app.errors import Conflict, NotFound, Unprocessable
from app.jobs.estimate import estimate as job_estimate
from app.jobs.params import RenderParams, render_seed
from app.projects.rules import check_film_settings
from app.projects.schemas import MAX_SCRIPT_CHARS, FilmSettings
from app.projects.service import BUSY_STATUSES, queue_render
from app.storage import Storage
from app.storyboard import edits
from app.storyboard.board import BoardScene, build_board, pinned_refs
from app.storyboard.changes import Comparison, compare
from app.storyboard.history import ensure_thumbnails, read_report, report_scenes
from app.storyboard.pricing import changed_seconds, edit_cost
from app.storyboard.schemas import (
    RenderChangesResponse,
    RenderEstimateResponse,
    SceneEditRequest,
    SceneFields,
    SceneInsertRequest,
    SceneListResponse,
    SceneResponse,
)
from db.enums import JobKind, ProjectStatus
from db.models import Job, Project, User
from db.repositories import logs as log_repo
from db.repositories import projects as project_repo
from db.repositories import renders as render_repo
from pipeline.errors import InputError
from pipeline.script.scenes import join_paragraphs, scene_paragraphs

SECONDS_PER_MINUTE = 60

Change = Callable[[list[str], list[BoardScene], list[str]], tuple[list[str], list[str]]]
"""An edit: (paragraphs, scenes, image refs) -> the new paragraphs and image refs."""


@dataclass(frozen=True)
class _State:
    project: Project
    board: list[BoardScene]
    comparison: Comparison
    last: Job | None


async def _owned(
    session: AsyncSession, user: User, project_id: uuid.UUID, lock: bool = False
) -> Project:
    project = await project_repo.get_owned(session, project_id, user.id, lock=lock)
    if project is None:
        raise NotFound("No project with this id in your account.")
    return project


def _check_idle(project: Project, doing: str) -> None:
    if project.status in BUSY_STATUSES:
        raise Conflict(
            f"The project's render is {project.status}; wait for it to finish before {doing}.",
            code="render_in_progress",
            status=str(project.status),
        )


def _board(project: Project) -> list[BoardScene]:
    try:
        return build_board(project.script, project.images, project.language, str(project.voice))
    except InputError as error:
        raise Unprocessable(str(error), code="script_unreadable") from error


async def owned_board(
    session: AsyncSession, user: User, project_id: uuid.UUID
) -> tuple[Project, list[BoardScene]]:
    """The user's project and its scenes; 404 for anyone else's."""
    project = await _owned(session, user, project_id)
    return project, _board(project)


async def _state(session: AsyncSession, project: Project) -> _State:
    board = _board(project)
    last = await render_repo.last_complete(session, project.id)
    snapshot = last.params.get("snapshot") if last is not None else None
    settings = FilmSettings.model_validate(project, from_attributes=True).model_dump(mode="json")
    return _State(project, board, compare(board, settings, snapshot), last)


async def list_scenes(
    session: AsyncSession, user: User, project_id: uuid.UUID, storage: Storage
) -> SceneListResponse:
    """The project's scenes, where each sat in the last render, and what changed since."""
    project = await _owned(session, user, project_id)
    return await _scene_list(await _state(session, project), storage)


async def _scene_list(state: _State, storage: Storage) -> SceneListResponse:
    project, last = state.project, state.last
    layout: list[dict[str, Any]] = []
    thumbs: dict[int, str] = {}
    if last is not None:
        report = await asyncio.to_thread(read_report, storage, project.id, last.id)
        layout = report_scenes(report)
        middles = {
            number: float(entry["start_s"]) + float(entry["duration_s"]) / 2
            for number, entry in enumerate(layout)
            if number in state.comparison.previous.values()
        }
        if middles:
            keys = await asyncio.to_thread(ensure_thumbnails, storage, project.id, last.id, middles)
            thumbs = {number: storage.url(key) for number, key in keys.items()}
    changed = set(state.comparison.changed)
    scenes: list[SceneResponse] = []
    for scene in state.board:
        old = state.comparison.previous.get(scene.index)
        entry = layout[old] if old is not None and old < len(layout) else None
        pinned = pinned_refs(scene, project.images)
        scenes.append(
            SceneResponse(
                index=scene.index,
                text=scene.text,
                speaker=scene.speakers[0] if scene.speakers else None,
                speakers=list(scene.speakers),
                image=pinned[0] if pinned else None,
                images=list(scene.images),
                voice=scene.voice,
                start_s=_seconds(entry, "start_s"),
                duration_s=_seconds(entry, "duration_s"),
                thumbnail_url=thumbs.get(old) if old is not None and entry else None,
                changed=scene.index in changed,
            )
        )
    return SceneListResponse(
        project_id=project.id,
        status=project.status,
        rendered_job_id=last.id if last is not None else None,
        full_render=state.comparison.full,
        scenes=scenes,
    )


def _seconds(entry: dict[str, Any] | None, name: str) -> float | None:
    value = (entry or {}).get(name)
    return round(float(value), 3) if isinstance(value, int | float) else None


async def edit_scene(
    session: AsyncSession,
    user: User,
    project_id: uuid.UUID,
    index: int,
    body: SceneEditRequest,
    storage: Storage,
) -> SceneListResponse:
    """Change a scene's text, pinned image, speaker or voice."""

    def change(
        paragraphs: list[str], board: list[BoardScene], images: list[str]
    ) -> tuple[list[str], list[str]]:
        edits.check_index(index, len(paragraphs))
        paragraphs[index] = _paragraph(body, board[index], images)
        return paragraphs, images

    return await _rewrite(session, user, project_id, storage, f"Edited scene {index}", change)


async def insert_scene(
    session: AsyncSession,
    user: User,
    project_id: uuid.UUID,
    body: SceneInsertRequest,
    storage: Storage,
) -> SceneListResponse:
    """Add a scene at body.position (last by default)."""

    def change(
        paragraphs: list[str], board: list[BoardScene], images: list[str]
    ) -> tuple[list[str], list[str]]:
        position = edits.insert_position(body.position, len(paragraphs))
        empty = BoardScene(position, body.text, (), None, (), (), None)
        paragraphs.insert(position, _paragraph(body, empty, images))
        return paragraphs, images

    return await _rewrite(session, user, project_id, storage, "Added a scene", change)


async def delete_scene(
    session: AsyncSession, user: User, project_id: uuid.UUID, index: int, storage: Storage
) -> SceneListResponse:
    """Remove a scene from the script."""

    def change(
        paragraphs: list[str], board: list[BoardScene], images: list[str]
    ) -> tuple[list[str], list[str]]:
        edits.check_index(index, len(paragraphs))
        if sum(1 for scene in board if scene.fingerprint) == 1 and board[index].fingerprint:
            raise Unprocessable(
                "This is the film's only scene with something to say; edit it instead of "
                "deleting it.",
                code="last_scene",
            )
        del paragraphs[index]
        return paragraphs, images

    return await _rewrite(session, user, project_id, storage, f"Deleted scene {index}", change)


async def move_scene(
    session: AsyncSession, user: User, project_id: uuid.UUID, index: int, to: int, storage: Storage
) -> SceneListResponse:
    """Move a scene to index `to` (the others keep their order)."""

    def change(
        paragraphs: list[str], board: list[BoardScene], images: list[str]
    ) -> tuple[list[str], list[str]]:
        edits.check_index(index, len(paragraphs))
        if to >= len(paragraphs):
            raise Unprocessable(
                f"Scene {index} cannot move to {to}; the film's scenes are numbered 0 to "
                f"{len(paragraphs) - 1}.",
                code="scene_position",
            )
        paragraphs.insert(to, paragraphs.pop(index))
        return paragraphs, images

    return await _rewrite(
        session, user, project_id, storage, f"Moved scene {index} to {to}", change
    )


def _paragraph(body: SceneFields, scene: BoardScene, images: list[str]) -> str:
    """The scene's paragraph after the edit (images gains a newly pinned upload)."""
    given = body.model_fields_set
    lines = edits.text_lines(body.text if "text" in given and body.text else scene.text)
    if "speaker" in given:
        lines = edits.with_speaker(lines, edits.speaker_label(body.speaker, images), scene.speakers)
    pins = list(scene.pinned)
    if "image" in given:
        pins = [edits.image_name(body.image)] if body.image else []
        if body.image and body.image not in images:
            images.append(body.image)
    voice = str(body.voice) if "voice" in given and body.voice else None
    if "voice" not in given:
        voice = scene.voice
    return edits.compose(lines, pins, voice)


async def _rewrite(
    session: AsyncSession,
    user: User,
    project_id: uuid.UUID,
    storage: Storage,
    what: str,
    change: Change,
) -> SceneListResponse:
    project = await _owned(session, user, project_id, lock=True)
    _check_idle(project, "editing its scenes")
    paragraphs, images = change(
        scene_paragraphs(project.script), _board(project), list(project.images)
    )
    script = join_paragraphs(paragraphs)
    await _check_settings(session, user, project, script, images)
    project.script = script
    project.images = images
    await log_repo.add(
        session,
        "project.scene_edit",
        f"{what} of '{project.title}'",
        user_id=user.id,
        project_id=project.id,
    )
    await session.flush()
    return await _scene_list(await _state(session, project), storage)


async def _check_settings(
    session: AsyncSession, user: User, project: Project, script: str, images: list[str]
) -> None:
    """The same rules and messages as a new project, for the edited script and images."""
    if len(script) > MAX_SCRIPT_CHARS:
        raise Unprocessable(
            f"The script would have {len(script):,} characters; the limit is "
            f"{MAX_SCRIPT_CHARS:,}. Shorten a scene.",
            code="script_too_long",
        )
    values = FilmSettings.model_validate(project, from_attributes=True).model_dump()
    try:
        settings = FilmSettings.model_validate({**values, "script": script, "images": images})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise Unprocessable(
            f"{field}: {first['msg']}",
            code="validation_error",
            errors=[
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in error.errors()
            ],
        ) from error
    try:
        build_board(script, images, settings.language, str(settings.voice))
    except InputError as error:
        raise Unprocessable(str(error), code="script_unreadable") from error
    plan = await credits.user_plan(session, user)
    await check_film_settings(session, user, plan, settings)


async def render_estimate(
    session: AsyncSession, user: User, project_id: uuid.UUID, settings: Settings
) -> RenderEstimateResponse:
    """What rendering the changes would cost now, in credits and seconds of film."""
    project = await _owned(session, user, project_id)
    state = await _state(session, project)
    cost, seconds = await _price(session, user, state)
    expected = await job_estimate(
        session, JobKind.RENDER, seconds / SECONDS_PER_MINUTE, settings.worker_stalled_after_s
    )
    return RenderEstimateResponse(
        credits=cost,
        seconds=round(seconds, 1),
        estimated_time_s=round(expected.seconds, 1),
        full_render=state.comparison.full,
        reason=state.comparison.reason,
        changed_scenes=list(state.comparison.changed),
    )


async def _price(session: AsyncSession, user: User, state: _State) -> tuple[int, float]:
    plan = await credits.user_plan(session, user)
    project = state.project
    if state.comparison.full:
        return credits.film_cost(plan, project.duration), float(
            project.duration * SECONDS_PER_MINUTE
        )
    seconds = changed_seconds(state.board, state.comparison.changed, project)
    return edit_cost(plan, seconds), seconds


async def render_changes(
    session: AsyncSession, user: User, project_id: uuid.UUID
) -> RenderChangesResponse:
    """Debit the estimate and queue a render that keeps the last render's seed and layout."""
    project = await _owned(session, user, project_id, lock=True)
    _check_idle(project, "rendering it again")
    state = await _state(session, project)
    plan = await credits.user_plan(session, user)
    await check_film_settings(
        session, user, plan, FilmSettings.model_validate(project, from_attributes=True)
    )
    cost, seconds = await _price(session, user, state)
    last, comparison = state.last, state.comparison
    params = RenderParams(
        seed=render_seed(last) if last is not None else None,
        previous_job_id=last.id if last is not None else None,
        changed_scenes=None if comparison.full else list(comparison.changed),
    )
    project.status = ProjectStatus.PENDING
    project.error = None
    what = "the whole film" if comparison.full else f"{seconds:.0f} s of changed scenes"
    await log_repo.add(
        session,
        "project.render_changes",
        f"Rendering {what} of '{project.title}'",
        user_id=user.id,
        project_id=project.id,
    )
    job, balance = await queue_render(
        session,
        user,
        project,
        cost,
        params,
        note=f"Re-render of {what} of '{project.title}'",
        output_minutes=None if comparison.full else seconds / SECONDS_PER_MINUTE,
    )
    return RenderChangesResponse(
        id=project.id,
        status=project.status,
        job_id=job.id,
        credits_charged=job.credits,
        credits_balance=balance,
        full_render=comparison.full,
        changed_scenes=list(comparison.changed),
    )
