"""Ken Burns moves hold a picture's face: the face end is centred on it and the face stays in
view throughout, also in 9:16 and 1:1 frames cut from a landscape picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.media.yuv import FrameBuffer, yuv_to_rgb
from pipeline.picture.focus import Focus, find_focus
from pipeline.picture.shot_plan import FOCUS_MARGIN, KenBurns, plan_move, view_fractions
from pipeline.picture.visuals import FilmFrames
from pipeline.testing.faces import SKIN, draw_face
from pipeline.types import Shot, Timeline, VideoFormat

PORTRAIT = VideoFormat(width=180, height=320, fps=30)
LANDSCAPE_PICTURE = (480, 320)


def _face_picture(folder: Path, cx: int) -> Path:
    width, height = LANDSCAPE_PICTURE
    path = folder / f"face-{cx}.png"
    Image.fromarray(draw_face(width, height, cx, 150, 60)).save(path)
    return path


def _centres(move: KenBurns, focus: Focus, frame_aspect: float, progress: float) -> tuple:
    zoom, x, y = move.at(progress)
    view_x, view_y = view_fractions(zoom, focus.aspect, frame_aspect)
    return view_x, view_y, view_x / 2 + x * (1 - view_x), view_y / 2 + y * (1 - view_y)


@pytest.mark.parametrize("frame_aspect", [9 / 16, 1.0, 16 / 9])
@pytest.mark.parametrize("face_x", [0.08, 0.3, 0.5, 0.85])
@pytest.mark.parametrize("seed", range(6))
def test_the_face_stays_in_view_and_one_end_is_centred_on_it(
    frame_aspect: float, face_x: float, seed: int
) -> None:
    focus = Focus(x=face_x, y=0.4, aspect=1.5)
    move = plan_move(Shot(0.0, 8.0, 0, Path("a.png")), seed, 8.0, seed, focus, frame_aspect)
    for progress in np.linspace(0.0, 1.0, 11):
        view_x, view_y, centre_x, centre_y = _centres(move, focus, frame_aspect, progress)
        nearest = min(max(focus.x, view_x / 2), 1 - view_x / 2)  # the view cannot leave the picture
        allowed = max(view_x * (0.5 - FOCUS_MARGIN), abs(nearest - focus.x))
        assert abs(centre_x - focus.x) <= allowed + 0.01  # the zoom curve bends a straight pan
        assert abs(centre_y - focus.y) <= view_y / 2
    face_end = 0.0 if move.zoom_start > move.zoom_end else 1.0
    view_x, _, centre_x, _ = _centres(move, focus, frame_aspect, face_end)
    reachable = min(max(focus.x, view_x / 2), 1 - view_x / 2)
    assert centre_x == pytest.approx(reachable, abs=1e-6)


def test_without_a_focus_the_move_is_unchanged() -> None:
    shot = Shot(0.0, 6.0, 0, Path("a.png"))
    assert plan_move(shot, 2, 6.0, 5) == plan_move(shot, 2, 6.0, 5, None, 9 / 16)


def test_the_face_is_found_in_the_picture(tmp_path: Path) -> None:
    focus = find_focus(_face_picture(tmp_path, cx=90))
    assert focus is not None
    assert focus.x == pytest.approx(90 / 480, abs=0.03)
    assert focus.y == pytest.approx(150 / 320, abs=0.05)
    assert focus.aspect == pytest.approx(1.5)
    plain = tmp_path / "plain.png"
    Image.fromarray(np.full((320, 480, 3), 90, np.uint8)).save(plain)
    assert find_focus(plain) is None


def test_a_portrait_film_shows_the_face_that_a_centred_crop_would_cut(tmp_path: Path) -> None:
    picture = _face_picture(tmp_path, cx=70)  # near the left edge of a 3:2 picture
    focus = find_focus(picture)
    assert focus is not None
    timeline = Timeline(duration_s=3.0, speech=(), shots=(Shot(0.0, 3.0, 0, picture),))

    def skin_share(frames: FilmFrames, index: int) -> float:
        buffer = FrameBuffer(PORTRAIT.width, PORTRAIT.height)
        frames.render(index, buffer)
        rgb = yuv_to_rgb(buffer.as_image()).astype(int)
        close = np.abs(rgb - np.array(SKIN)).sum(axis=2) < 60
        return float(close.mean())

    held = FilmFrames(timeline, PORTRAIT, seed=3, focus={picture: focus})
    plain = FilmFrames(timeline, PORTRAIT, seed=3)
    middle = held.total_frames // 2
    assert skin_share(held, middle) > 0.05
    assert skin_share(plain, middle) < 0.01
