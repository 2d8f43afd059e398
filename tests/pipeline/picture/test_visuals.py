"""Frames of a film: formats, sub-pixel Ken Burns, crossfades, title cards, captions, memory."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import InputError
from pipeline.media.yuv import FrameBuffer, rgb_to_yuv
from pipeline.picture.formats import frame_count, video_format
from pipeline.picture.ken_burns import PHASE_TOLERANCE_PX
from pipeline.picture.shot_plan import MAX_ZOOM, ZOOM_RATE_PER_S, KenBurns, plan_move, plan_spans
from pipeline.picture.transitions import choose_transitions
from pipeline.picture.visuals import (
    IMAGE_CACHE_SIZE,
    FilmFrames,
    iter_frames,
    prepare_image,
    warp_into,
)
from pipeline.types import Cue, Shot, Timeline, VideoFormat
from tests.pipeline.render_media import solid_picture, write_picture

SMALL = VideoFormat(width=320, height=180, fps=30)


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", "720p", (1280, 720)),
        ("16:9", "1080p", (1920, 1080)),
        ("9:16", "720p", (720, 1280)),
        ("9:16", "1080p", (1080, 1920)),
        ("1:1", "720p", (720, 720)),
        ("1:1", "1080p", (1080, 1080)),
    ],
)
def test_video_format_sizes(aspect: str, resolution: str, size: tuple[int, int]) -> None:
    fmt = video_format(aspect, resolution)
    assert (fmt.width, fmt.height) == size
    assert fmt.fps == 30


@pytest.mark.parametrize(("aspect", "resolution"), [("4:3", "720p"), ("16:9", "4k")])
def test_video_format_refuses_unknown_values(aspect: str, resolution: str) -> None:
    with pytest.raises(InputError, match="not supported"):
        video_format(aspect, resolution)


STRIPE_PERIOD_PX = 23.7
"""Period of the vertical stripes used to measure horizontal motion."""


def _stripes(width: int, height: int) -> np.ndarray:
    row = 128 + 80 * np.sin(2 * np.pi * np.arange(width) / STRIPE_PERIOD_PX)
    return np.repeat(np.repeat(row[None, :, None], height, 0), 3, 2).astype(np.uint8)


def _stripe_phase(luma: np.ndarray, period: float) -> float:
    """Phase (radians) of stripes of the given period across the picture: a precise position."""
    row = luma.astype(np.float64).mean(axis=0)
    positions = np.arange(len(row))
    weights = np.hanning(len(row))
    projection = np.sum((row - row.mean()) * weights * np.exp(-2j * np.pi * positions / period))
    return float(np.angle(projection))


def test_slow_pan_moves_by_even_sub_pixel_steps() -> None:
    source = prepare_image(_stripes(640, 360), SMALL)
    buffer = FrameBuffer(SMALL.width, SMALL.height)
    zoom = 1.05
    scale = zoom / MAX_ZOOM
    room = source.width - SMALL.width / scale
    period = STRIPE_PERIOD_PX * source.width / 640 * scale
    step_px = 0.13  # output pixels per frame: far below one pixel
    phases = []
    for index in range(16):
        warp_into(source, zoom, 0.3 + index * step_px / (room * scale), 0.5, buffer)
        phases.append(_stripe_phase(buffer.y, period))
    moved = np.abs(np.unwrap(phases) - phases[0]) / (2 * np.pi) * period
    expected = step_px * np.arange(16)
    assert np.abs(moved - expected).max() < 0.02, moved
    steps = np.diff(moved)
    # Each frame may sit up to PHASE_TOLERANCE_PX off its exact place (pipeline.picture.ken_burns).
    even = 2 * PHASE_TOLERANCE_PX + 0.005
    assert np.abs(steps - step_px).max() < even, "every frame moves by the same sub-pixel step"


def test_ken_burns_moves_are_slow_and_stay_inside_the_picture() -> None:
    for index in range(40):
        shot = Shot(0.0, 1.0 + index, 0, Path("x.jpg"), speaker="ANNA" if index % 3 == 0 else None)
        move = plan_move(shot, index, shot.duration_s, seed=7)
        assert isinstance(move, KenBurns)
        for progress in (0.0, 0.5, 1.0):
            zoom, x, y = move.at(progress)
            assert 1.0 - 1e-9 <= zoom <= MAX_ZOOM + 1e-9
            assert 0.0 <= x <= 1.0
            assert 0.0 <= y <= 1.0
        assert abs(move.zoom_end - move.zoom_start) <= ZOOM_RATE_PER_S * shot.duration_s + 1e-9
        if shot.speaker is not None:
            assert move.zoom_end > move.zoom_start, "a speaking character is pushed in on"
    assert plan_move(Shot(0, 5, 0), 1, 5.0, 1) == plan_move(Shot(0, 5, 0), 1, 5.0, 1)


def test_crossfade_blends_only_the_overlapping_frames(tmp_path: Path) -> None:
    red = solid_picture(tmp_path / "red.png", (220, 30, 30))
    blue = solid_picture(tmp_path / "blue.png", (30, 30, 220))
    timeline = Timeline(2.0, (), (Shot(0.0, 1.0, 0, red), Shot(1.0, 2.0, 1, blue)))
    transitions = choose_transitions(timeline.shots, timeline.speech)
    assert [t.kind for t in transitions] == ["dissolve"], "two scenes dissolve"
    spans = plan_spans(timeline.shots, SMALL.fps, 60, seed=0, transitions=transitions)
    fade_start, fade_end = spans[1].first, spans[0].end
    assert fade_start < 30 < fade_end
    assert fade_end - fade_start == spans[1].fade_in_frames
    frames = list(iter_frames(timeline, SMALL))
    red_v = float(rgb_to_yuv(np.full((2, 2, 3), (220, 30, 30), np.uint8)).v[0, 0])
    blue_v = float(rgb_to_yuv(np.full((2, 2, 3), (30, 30, 220), np.uint8)).v[0, 0])
    centre = [float(frame.v[45, 80]) for frame in frames]
    assert all(abs(value - red_v) <= 1 for value in centre[16:fade_start])
    assert all(abs(value - blue_v) <= 1 for value in centre[fade_end:44])
    blend = centre[fade_start:fade_end]
    assert all(min(red_v, blue_v) < value < max(red_v, blue_v) for value in blend)
    assert all(later <= earlier for earlier, later in itertools.pairwise(blend))


def test_film_fades_in_from_black_and_out_to_black(tmp_path: Path) -> None:
    white = solid_picture(tmp_path / "white.png", (255, 255, 255))
    timeline = Timeline(2.0, (), (Shot(0.0, 2.0, 0, white),))
    frames = list(iter_frames(timeline, SMALL))
    assert len(frames) == frame_count(2.0, 30) == 60
    assert frames[0].y.mean() < 40
    assert frames[-1].y.mean() < 40
    assert frames[30].y.mean() > 230


def test_title_card_draws_devanagari_text_on_a_gradient() -> None:
    timeline = Timeline(1.0, (), (Shot(0.0, 1.0, 0, None, title="नमस्ते दुनिया"),))
    frame = list(iter_frames(timeline, SMALL))[15]
    assert frame.y.max() > 200, "light title text"
    middle = frame.y[60:120, 40:280]
    assert middle.std() > 20
    corners = frame.y[:20, :20]
    assert corners.max() < 120, "dark gradient background"


def test_burned_in_caption_changes_only_the_bottom_while_the_cue_shows(tmp_path: Path) -> None:
    picture = write_picture(tmp_path / "p.png", seed=2)
    timeline = Timeline(2.0, (), (Shot(0.0, 2.0, 0, picture),))
    cues = [Cue(0.5, 1.5, ("A subtitle line", "नमस्ते दुनिया"))]
    plain = FilmFrames(timeline, SMALL)
    captioned = FilmFrames(timeline, SMALL, cues=cues)
    a, b = FrameBuffer(320, 180), FrameBuffer(320, 180)
    plain.render(30, a)
    captioned.render(30, b)
    difference = np.abs(a.y.astype(int) - b.y.astype(int))
    assert difference[120:].max() > 100
    assert difference[:60].max() == 0
    plain.render(50, a)
    captioned.render(50, b)
    assert np.array_equal(a.data, b.data), "no caption after the cue ends"


def test_only_the_shots_on_screen_keep_their_pictures(tmp_path: Path) -> None:
    paths = [
        write_picture(tmp_path / f"p{index}.jpg", 200 + 10 * index, 150, index)
        for index in range(6)
    ]
    shots = []
    for index in range(14):
        image = None if index % 5 == 4 else paths[index % len(paths)]
        shots.append(Shot(index * 0.5, (index + 1) * 0.5, index, image, title="Title card"))
    timeline = Timeline(7.0, (), tuple(shots))
    frames = FilmFrames(timeline, SMALL, seed=1)
    buffer = FrameBuffer(SMALL.width, SMALL.height)
    for index in range(frames.total_frames):
        frames.render(index, buffer)
        assert len(frames._images) <= IMAGE_CACHE_SIZE
        assert len(frames._cards) <= 2


def test_portrait_cmyk_and_transparent_pictures_fill_the_frame(tmp_path: Path) -> None:
    pictures = [
        write_picture(tmp_path / "tall.png", 120, 400, 1),
        write_picture(tmp_path / "cmyk.jpg", 300, 200, 2, mode="CMYK"),
        write_picture(tmp_path / "alpha.png", 300, 200, 3, mode="RGBA"),
    ]
    shots = tuple(Shot(i * 1.0, (i + 1) * 1.0, i, path) for i, path in enumerate(pictures))
    frames = list(iter_frames(Timeline(3.0, (), shots), SMALL))
    for middle in (15, 45, 75):
        frame = frames[middle]
        edges = (frame.y[:, :2], frame.y[:, -2:], frame.y[:2], frame.y[-2:])
        assert all(edge.mean() > 40 for edge in edges), "no black bars"
        assert frame.y[60:120, 100:220].std() > 5, "the picture's texture shows"
    transparent_top = frames[75].y[:6, 100:220]
    assert transparent_top.mean() > 200, "transparent pixels are laid over white"


def test_a_damaged_picture_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    frames = FilmFrames(Timeline(1.0, (), (Shot(0.0, 1.0, 0, broken),)), SMALL)
    with pytest.raises(InputError):
        frames.render(0, FrameBuffer(320, 180))


def test_render_refuses_frames_outside_the_film(tmp_path: Path) -> None:
    frames = FilmFrames(Timeline(1.0, (), (Shot(0.0, 1.0, 0, None, title="x"),)), SMALL)
    with pytest.raises(IndexError):
        frames.render(30, FrameBuffer(320, 180))
