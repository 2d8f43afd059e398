"""The last render's record (render.json) and scene thumbnails cut from its film."""

from __future__ import annotations

import json
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.storage import Storage, StorageError
from app.storage_keys import film_keys, job_prefix
from pipeline.media.encode import ffmpeg_exe

THUMBNAIL_WIDTH_PX = 320
"""Width of a scene thumbnail (height follows the film's aspect)."""
THUMBNAIL_TIMEOUT_S = 30.0
"""Longest one ffmpeg frame extraction may take."""
JPEG_TYPE = "image/jpeg"


def read_report(
    storage: Storage, project_id: uuid.UUID, job_id: uuid.UUID
) -> dict[str, Any] | None:
    """A render's render.json, or None when it is not stored (or unreadable)."""
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        path = Path(folder) / "render.json"
        try:
            storage.download(film_keys(project_id, job_id).report, path)
            record = json.loads(path.read_text(encoding="utf-8"))
        except (StorageError, OSError, ValueError):
            return None
    return record if isinstance(record, dict) else None


def report_scenes(report: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The per-scene layout a render recorded (empty for renders that recorded none)."""
    scenes = (report or {}).get("scenes")
    if not isinstance(scenes, list):
        return []
    return [scene for scene in scenes if isinstance(scene, dict)]


def thumbnail_key(project_id: uuid.UUID, job_id: uuid.UUID, scene: int) -> str:
    """Where the thumbnail of a render's scene is kept (beside the film it comes from)."""
    return f"{job_prefix(project_id, job_id)}thumb-scene-{scene:04d}.jpg"


def ensure_thumbnails(
    storage: Storage, project_id: uuid.UUID, job_id: uuid.UUID, middles: Mapping[int, float]
) -> dict[int, str]:
    """Thumbnail keys of the render's scenes (scene -> the time of its middle, in seconds):
    frames already cut are reused; the rest are cut from the film now, in one download."""
    keys = {scene: thumbnail_key(project_id, job_id, scene) for scene in middles}
    missing = [scene for scene, key in keys.items() if not storage.exists(key)]
    if missing:
        with tempfile.TemporaryDirectory(prefix="thumbs-") as folder:
            film = Path(folder) / "film.mp4"
            try:
                storage.download(film_keys(project_id, job_id).video, film)
            except StorageError:
                return {scene: keys[scene] for scene in keys if scene not in missing}
            for scene in missing:
                frame = Path(folder) / f"{scene}.jpg"
                if cut_frame(film, middles[scene], frame):
                    storage.put_file(keys[scene], frame, JPEG_TYPE)
                else:
                    del keys[scene]
    return keys


def cut_frame(film: Path, at_s: float, destination: Path) -> bool:
    """Write the film's frame at at_s as a JPEG THUMBNAIL_WIDTH_PX wide; False if none came."""
    command = [
        ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{max(0.0, at_s):.3f}", "-i", str(film),
        "-frames:v", "1", "-vf", f"scale={THUMBNAIL_WIDTH_PX}:-2", "-q:v", "4", str(destination),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=THUMBNAIL_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return False
    return destination.is_file() and destination.stat().st_size > 0
