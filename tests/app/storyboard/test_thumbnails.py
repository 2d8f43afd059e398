"""Scene thumbnails: a real frame cut from the stored film at the scene's middle, kept."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from PIL import Image

from app.storage import LocalStorage
from app.storage_keys import film_keys
from app.storyboard.history import THUMBNAIL_WIDTH_PX, ensure_thumbnails, report_scenes
from pipeline.media.encode import ffmpeg_exe

FILM_SECONDS = 4


def _film(path: Path) -> Path:
    """A 320x180 film: red for its first half, blue for the second."""
    colours = [f"color=c={c}:s=320x180:d={FILM_SECONDS // 2}:r=25" for c in ("red", "blue")]
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", colours[0], "-f", "lavfi",
         "-i", colours[1], "-filter_complex", "[0][1]concat=n=2:v=1", "-pix_fmt", "yuv420p",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_thumbnails_are_cut_at_each_scene_middle_once(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "storage", "secret" * 8, "http://x")
    project_id, job_id = uuid.uuid4(), uuid.uuid4()
    storage.put_file(film_keys(project_id, job_id).video, _film(tmp_path / "f.mp4"), "video/mp4")
    keys = ensure_thumbnails(storage, project_id, job_id, {0: 1.0, 1: 3.0})
    assert set(keys) == {0, 1}
    red, blue = (Image.open(storage.path(keys[n])).convert("RGB") for n in (0, 1))
    assert red.width == THUMBNAIL_WIDTH_PX and red.height == 180
    r, _g, b = red.getpixel((160, 90))  # type: ignore[misc]
    assert r > 200 and b < 60
    r, _g, b = blue.getpixel((160, 90))  # type: ignore[misc]
    assert b > 200 and r < 60
    stamp = storage.path(keys[0]).stat().st_mtime_ns
    assert ensure_thumbnails(storage, project_id, job_id, {0: 1.0}) == {0: keys[0]}
    assert storage.path(keys[0]).stat().st_mtime_ns == stamp


def test_a_missing_film_gives_no_thumbnails_and_old_reports_no_layout(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "storage", "secret" * 8, "http://x")
    assert ensure_thumbnails(storage, uuid.uuid4(), uuid.uuid4(), {0: 1.0}) == {}
    assert report_scenes({"settings": {}}) == [] and report_scenes(None) == []
    assert report_scenes({"scenes": [{"index": 0}, "junk"]}) == [{"index": 0}]
