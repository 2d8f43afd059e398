"""The player's poster: a real frame of the film, the storyboard's thumbnail of its first
scene (cut once by app/storyboard/history.py and shared with the Storyboard view)."""

from __future__ import annotations

import logging
import uuid

from anyio import to_thread

from app.storage import Storage
from app.storyboard.history import ensure_thumbnails, read_report, report_scenes, thumbnail_key

log = logging.getLogger(__name__)

FIRST_SCENE = 0
NO_LAYOUT_AT_S = 1.0
"""Where the poster is cut from a film whose render recorded no scene layout (seconds)."""


def poster_key(storage: Storage, project_id: uuid.UUID, job_id: uuid.UUID) -> str | None:
    """The key of the render's first-scene frame (cut now if it is not stored yet), or None
    when no frame could be cut."""
    key = thumbnail_key(project_id, job_id, FIRST_SCENE)
    if storage.exists(key):
        return key
    scenes = report_scenes(read_report(storage, project_id, job_id))
    at_s = NO_LAYOUT_AT_S
    if scenes:
        try:
            at_s = float(scenes[0]["start_s"]) + float(scenes[0]["duration_s"]) / 2
        except (KeyError, TypeError, ValueError):
            at_s = NO_LAYOUT_AT_S
    return ensure_thumbnails(storage, project_id, job_id, {FIRST_SCENE: at_s}).get(FIRST_SCENE)


async def poster_url(storage: Storage, project_id: uuid.UUID, job_id: uuid.UUID) -> str | None:
    """A signed link to the poster frame, or None (the player then shows its first frame)."""
    try:
        key = await to_thread.run_sync(poster_key, storage, project_id, job_id)
    except Exception:
        log.exception("Could not cut the poster of project %s", project_id)
        return None
    return storage.url(key) if key else None
