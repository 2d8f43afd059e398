"""The player's poster: the storyboard's first-scene frame of the real film, cut once."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

from PIL import Image

from app.storage import LocalStorage
from app.storage_keys import film_keys
from app.storyboard.history import thumbnail_key
from app.ui.film_poster import poster_key, poster_url
from app.ui.formatting import player_html
from pipeline.media.encode import ffmpeg_exe
from pipeline.media.probe import probe

HALF_S = 2


def _film(path: Path) -> Path:
    """A 320x180 film: red for its first HALF_S seconds, blue after."""
    colours = [f"color=c={c}:s=320x180:d={HALF_S}:r=25" for c in ("red", "blue")]
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", colours[0], "-f", "lavfi",
         "-i", colours[1], "-filter_complex", "[0][1]concat=n=2:v=1", "-pix_fmt", "yuv420p",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def _colour(path: Path) -> tuple[int, int, int]:
    red, green, blue = Image.open(path).convert("RGB").getpixel((160, 90))  # type: ignore[misc]
    return red, green, blue


def _stored_film(storage: LocalStorage, tmp_path: Path) -> tuple[uuid.UUID, uuid.UUID]:
    project_id, job_id = uuid.uuid4(), uuid.uuid4()
    storage.put_file(film_keys(project_id, job_id).video, _film(tmp_path / "f.mp4"), "video/mp4")
    return project_id, job_id


async def test_the_poster_is_the_first_scenes_middle_frame_shared_with_the_storyboard(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path / "storage", "secret" * 8, "http://x")
    project_id, job_id = _stored_film(storage, tmp_path)
    layout = {"scenes": [{"start_s": HALF_S, "duration_s": HALF_S}]}  # middle: in the blue
    storage.put_bytes(
        film_keys(project_id, job_id).report, json.dumps(layout).encode(), "application/json"
    )
    key = poster_key(storage, project_id, job_id)
    assert key == thumbnail_key(project_id, job_id, 0)
    frame = storage.path(key)
    red, _green, blue = _colour(frame)
    assert blue > 200 and red < 60
    assert probe(frame).video is not None
    stamp = frame.stat().st_mtime_ns
    link = await poster_url(storage, project_id, job_id)
    assert link is not None and key in link and "signature=" in link
    assert frame.stat().st_mtime_ns == stamp  # cut once, then reused


async def test_a_render_without_layout_gets_an_early_frame_and_no_film_no_poster(
    tmp_path: Path,
) -> None:
    storage = LocalStorage(tmp_path / "storage", "secret" * 8, "http://x")
    project_id, job_id = _stored_film(storage, tmp_path)
    key = poster_key(storage, project_id, job_id)
    assert key is not None
    red, _green, blue = _colour(storage.path(key))
    assert red > 200 and blue < 60
    assert await poster_url(storage, uuid.uuid4(), uuid.uuid4()) is None


def test_the_player_shows_the_poster_escaped() -> None:
    html = player_html("/v.mp4?a=1&b=2", None, "Film", poster_url='/p.jpg?x="1"&y=2')
    assert 'poster="/p.jpg?x=&quot;1&quot;&amp;y=2"' in html
    assert "poster=" not in player_html("/v.mp4", None, "Film")
