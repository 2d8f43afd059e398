"""Talking stills in a film's frames, with the packaged face landmark model (installed by
`make install`, which extracts it from the mediapipe wheel): the mesh lands on the face, the
mouth in the drawn frames opens with the speech's loudness, and frames draw the same alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.media.yuv import FrameBuffer
from pipeline.neural.face_landmarks import _landmarker, find_mesh, landmarks_available
from pipeline.picture.talking_still import CHIN, MOUTH_CORNERS
from pipeline.picture.visuals import FilmFrames
from pipeline.talking_shots import TalkingShots
from pipeline.testing.faces import draw_face
from pipeline.types import Sentence, Shot, SpeechSpan, SpokenSentence, Timeline, VideoFormat

FORMAT = VideoFormat(width=640, height=360, fps=30)
RATE = 16_000

needs_model = pytest.mark.skipif(
    not landmarks_available(),
    reason="the face landmark model is extracted by `make install` (filmstudio models "
    "download 'mediapipe-*')",
)


@needs_model
def test_the_mesh_lands_on_the_drawn_face() -> None:
    cx, cy, size = 320, 170, 100
    mesh = find_mesh(draw_face(640, 360, cx, cy, size))
    assert mesh is not None
    left, right = mesh.points[MOUTH_CORNERS[0]], mesh.points[MOUTH_CORNERS[1]]
    assert abs((left[1] + right[1]) / 2 - (cy + 0.45 * size)) < 0.15 * size
    assert left[0] < cx < right[0]
    assert abs(mesh.points[CHIN][1] - (cy + size)) < 0.2 * size
    assert find_mesh(np.full((360, 640, 3), 90, np.uint8)) is None


def _speech(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    bursts = np.clip(np.sin(2 * np.pi * 2.0 * t), 0.0, None) ** 0.7
    return (0.3 * bursts * np.sin(2 * np.pi * 160 * t)).astype(np.float32)


@needs_model
def test_the_mouth_in_the_film_follows_the_speech_energy(tmp_path: Path) -> None:
    face = tmp_path / "anna.png"
    Image.fromarray(draw_face(640, 360, 320, 150, 110)).save(face)
    audio = _speech(2.0)
    sentence = Sentence(0, 0, "La la la la.", "ANNA")
    spoken = [SpokenSentence(sentence, audio, RATE)]
    timeline = Timeline(
        3.0, (SpeechSpan(sentence, 0.5, 2.5),), (Shot(0.0, 3.0, 0, face, speaker="ANNA"),)
    )
    hook = TalkingShots(timeline, spoken, None, FORMAT, seed=1)
    frames = FilmFrames(timeline, FORMAT, pictures=hook)
    plain = FilmFrames(timeline, FORMAT)
    buffer, reference = FrameBuffer(640, 360), FrameBuffer(640, 360)
    moved = []
    for index in range(frames.total_frames):
        frames.render(index, buffer)
        plain.render(index, reference)
        moved.append(float(np.abs(buffer.y.astype(int) - reference.y).sum()))
    assert hook.talking_shots == 1
    loudness = np.zeros(frames.total_frames)
    for index in range(frames.total_frames):
        start = round((index / FORMAT.fps - 0.5) * RATE)
        part = audio[max(0, start) : max(0, start + RATE // FORMAT.fps)]
        loudness[index] = float(np.sqrt(np.mean(part**2))) if part.size else 0.0
    speaking = slice(15, 75)
    correlation = np.corrcoef(moved[speaking], loudness[speaking])[0, 1]
    print(f"mouth change vs speech energy: r = {correlation:.3f}")
    assert correlation > 0.6
    alone = FilmFrames(timeline, FORMAT, pictures=TalkingShots(timeline, spoken, None, FORMAT, 1))
    alone.render(40, reference)
    frames.render(40, buffer)
    assert np.array_equal(buffer.y, reference.y), "a frame draws the same on its own"


@needs_model
def test_stills_built_before_the_encoders_leave_no_face_model_loaded(tmp_path: Path) -> None:
    face = tmp_path / "anna.png"
    Image.fromarray(draw_face(640, 360, 320, 150, 110)).save(face)
    sentence = Sentence(0, 0, "La la la la.", "ANNA")
    spoken = [SpokenSentence(sentence, _speech(2.0), RATE)]
    timeline = Timeline(
        6.0,
        (SpeechSpan(sentence, 3.5, 5.5),),
        (Shot(0.0, 3.0, 0, None, title="Chapter one"), Shot(3.0, 6.0, 0, face, speaker="ANNA")),
    )
    prepared = FilmFrames(
        timeline, FORMAT, pictures=TalkingShots(timeline, spoken, None, FORMAT, 1)
    )
    prepared.prepare_pictures([(0, 10)])  # the title card alone: nothing to build
    assert _landmarker.cache_info().currsize == 0
    prepared.prepare_pictures([(100, 180)])
    assert _landmarker.cache_info().currsize == 0, "the face models are dropped once built"
    lazy = FilmFrames(timeline, FORMAT, pictures=TalkingShots(timeline, spoken, None, FORMAT, 1))
    drawn = []
    for index in (100, 140):
        buffer = FrameBuffer(640, 360)
        prepared.render(index, buffer)
        drawn.append(buffer.y.copy())
    assert _landmarker.cache_info().currsize == 0, "drawing needs no face model"
    reference = FrameBuffer(640, 360)
    for index, y in zip((100, 140), drawn, strict=True):
        lazy.render(index, reference)
        assert np.array_equal(y, reference.y)
