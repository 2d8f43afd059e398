"""A scene's draft preview: the scene alone at 360p with its narration, free, rate limited.

It renders synchronously in a child process (python -m app.worker.scene_preview) under a time
cap: a scene is a few seconds of 360p film, so the answer comes in seconds without a queue,
the API's own process never does the CPU work, and a preview that runs too long is killed,
which a thread could not be.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.errors import ServiceUnavailable, Unprocessable
from app.music.catalogue import is_catalogue_style
from app.projects.schemas import upload_id
from app.storage import Storage
from app.storage_keys import project_prefix
from app.storyboard import edits
from app.storyboard.board import BoardScene
from app.storyboard.schemas import ScenePreviewResponse
from app.storyboard.service import owned_board
from db.enums import UploadKind
from db.models import Project, User
from db.repositories import uploads as upload_repo
from pipeline.media.probe import probe
from pipeline.script.scenes import scene_paragraphs
from pipeline.timing import estimate_narration_s

PREVIEW_MODULE = "app.worker.scene_preview"
PREVIEW_TIMEOUT_S = 90.0
"""Longest a preview may render before it is stopped."""
MIN_PREVIEW_S = 2.0
"""Shortest preview made, in seconds."""
PREVIEW_SEED = 0
"""Previews are drawn with a fixed seed (the scene, not the film's motion, is the point)."""
INPUT_ERROR_STATUS = 2
MP4_TYPE = "video/mp4"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
"""The folder holding the app package, put on the child process's import path."""
MAX_RUNNING_PREVIEWS = 2
"""Previews one API process renders at once; more are refused (503) rather than queued."""


class _Running:
    """How many previews this process is rendering (they start and end on its event loop)."""

    count = 0


@contextlib.contextmanager
def _slot() -> Iterator[None]:
    if _Running.count >= MAX_RUNNING_PREVIEWS:
        raise ServiceUnavailable(
            f"The studio is already rendering {MAX_RUNNING_PREVIEWS} previews; try again in a "
            "few seconds."
        )
    _Running.count += 1
    try:
        yield
    finally:
        _Running.count -= 1


async def preview_scene(
    session: AsyncSession, user: User, project_id: uuid.UUID, index: int, context: AppContext
) -> ScenePreviewResponse:
    """Render scene `index` alone at 360p and answer a signed link to the MP4."""
    await context.limiter.check("scene_preview", str(user.id), context.settings.rate_limit_previews)
    project, board = await owned_board(session, user, project_id)
    edits.check_index(index, len(board))
    scene = board[index]
    if scene.fingerprint is None:
        raise Unprocessable(
            f"Scene {index} has nothing to say (only directions); write a sentence first.",
            code="silent_scene",
        )
    keys = await _image_keys(session, project, scene)
    with _slot(), tempfile.TemporaryDirectory(prefix="preview-") as folder:
        work = Path(folder)
        film = await _render(project, scene, index, keys, context.storage, work)
        key = f"{project_prefix(project.id)}previews/scene-{index:04d}.mp4"
        await asyncio.to_thread(context.storage.put_file, key, film, MP4_TYPE)
        facts = await asyncio.to_thread(probe, film)
    return ScenePreviewResponse(
        index=index,
        url=context.storage.url(key, filename=f"scene-{index + 1}-preview.mp4"),
        duration_s=round(facts.duration_s, 3),
        width=facts.video.width if facts.video else 0,
        height=facts.video.height if facts.video else 0,
    )


async def _image_keys(session: AsyncSession, project: Project, scene: BoardScene) -> list[str]:
    uploads = await upload_repo.get_owned(
        session, project.user_id, [upload_id(ref) for ref in scene.images], UploadKind.IMAGE
    )
    return [upload.storage_key for upload in uploads]


async def _render(
    project: Project, scene: BoardScene, index: int, keys: list[str], storage: Storage, work: Path
) -> Path:
    images: list[str] = []
    for number, key in enumerate(keys):
        destination = work / "images" / str(number) / key.rsplit("/", 1)[-1]
        destination.parent.mkdir(parents=True)
        await asyncio.to_thread(storage.download, key, destination)
        images.append(str(destination))
    voice = scene.voice or str(project.voice)
    narration_s = estimate_narration_s(scene.text, project.language, voice)
    spec = {
        "script": scene_paragraphs(project.script)[index],
        "images": images,
        "voice": voice,
        "language": project.language,
        "duration_s": max(MIN_PREVIEW_S, narration_s),
        "music": project.music if is_catalogue_style(project.music) else None,
        "aspect": project.aspect,
        "seed": PREVIEW_SEED,
        "out": str(work / "out"),
    }
    spec_path = work / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), *sys.path])}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", PREVIEW_MODULE, str(spec_path),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=environment,
    )  # fmt: skip
    try:
        _, errors = await asyncio.wait_for(process.communicate(), PREVIEW_TIMEOUT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise ServiceUnavailable(
            f"The preview took longer than {PREVIEW_TIMEOUT_S:.0f} seconds and was stopped; "
            "try again when the studio is less busy, or shorten the scene."
        ) from None
    message = errors.decode("utf-8", "replace").strip().splitlines()
    if process.returncode == INPUT_ERROR_STATUS:
        raise Unprocessable(message[-1] if message else "The scene cannot be previewed.")
    film = work / "out" / "film.mp4"
    if process.returncode != 0 or not film.is_file():
        raise ServiceUnavailable("The preview could not be rendered; try again in a moment.")
    return film
