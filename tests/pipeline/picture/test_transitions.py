"""Transitions chosen by the script's structure: cuts inside a scene, dissolves between scenes,
a dip to black at a big break; each shot's frames drawn without its neighbours'."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.media.yuv import FrameBuffer, rgb_to_yuv
from pipeline.picture.shot_plan import plan_spans
from pipeline.picture.transitions import (
    DIP_S,
    SCENE_DISSOLVE_S,
    choose_transitions,
    dip_gain,
)
from pipeline.picture.visuals import FilmFrames, iter_frames
from pipeline.script.scenes import parse_script
from pipeline.types import Sentence, Shot, SpeechSpan, Timeline, VideoFormat
from tests.pipeline.render_media import solid_picture

SMALL = VideoFormat(width=320, height=180, fps=30)


def _speech(scene: int, start: float, end: float, speaker: str | None = None) -> SpeechSpan:
    return SpeechSpan(Sentence(0, scene, "Words.", speaker), start, end)


def test_each_cut_gets_the_transition_its_structure_calls_for() -> None:
    shots = (
        Shot(0.0, 3.0, 0, Path("a.png")),
        Shot(3.0, 5.0, 0, Path("b.png")),  # same scene, mid-sentence
        Shot(5.0, 8.0, 0, Path("anna.png"), speaker="ANNA"),  # same scene, in a pause
        Shot(8.0, 11.0, 1, Path("c.png")),  # next scene, same people
        Shot(11.0, 14.0, 2, Path("d.png"), scene_break=True),  # a stage direction opens it
        Shot(14.0, 17.0, 3, Path("ravi.png"), speaker="RAVI"),  # other people
    )
    speech = (
        _speech(0, 1.0, 4.6),
        _speech(0, 5.2, 7.8, "ANNA"),
        _speech(1, 8.5, 10.5, "ANNA"),
        _speech(2, 11.5, 13.5, "ANNA"),
        _speech(3, 14.2, 16.5, "RAVI"),
    )
    kinds = [(t.kind, t.length_s) for t in choose_transitions(shots, speech)]
    assert kinds == [
        ("dissolve", 0.5),
        ("cut", 0.0),
        ("dissolve", SCENE_DISSOLVE_S),
        ("dip", DIP_S),
        ("dip", DIP_S),
    ]


def test_a_stage_direction_before_a_scene_marks_a_break() -> None:
    script = parse_script(
        "The storm came.\n\n[Morning. The harbour.]\nBoats rocked.\n\nGulls cried.",
        [],
        "en",
    )
    assert [scene.opens_with_direction for scene in script.scenes] == [False, True, False]
    only_direction = parse_script("One.\n\n(Years pass.)\n\nTwo.", [], "en")
    assert [scene.opens_with_direction for scene in only_direction.scenes] == [False, True]


def test_a_hard_cut_has_no_blended_frame(tmp_path: Path) -> None:
    red = solid_picture(tmp_path / "red.png", (220, 30, 30))
    blue = solid_picture(tmp_path / "blue.png", (30, 30, 220))
    shots = (Shot(0.0, 1.0, 0, red), Shot(1.0, 2.0, 0, blue))
    timeline = Timeline(2.0, (_speech(0, 0.2, 0.9), _speech(0, 1.1, 1.8)), shots)
    frames = list(iter_frames(timeline, SMALL))
    red_v = float(rgb_to_yuv(np.full((2, 2, 3), (220, 30, 30), np.uint8)).v[0, 0])
    blue_v = float(rgb_to_yuv(np.full((2, 2, 3), (30, 30, 220), np.uint8)).v[0, 0])
    centre = [float(frame.v[45, 80]) for frame in frames]
    assert all(abs(value - red_v) <= 1 for value in centre[16:30])
    assert all(abs(value - blue_v) <= 1 for value in centre[30:44])


def test_a_dip_goes_to_black_between_the_pictures_without_overlap(tmp_path: Path) -> None:
    white = solid_picture(tmp_path / "white.png", (255, 255, 255))
    grey = solid_picture(tmp_path / "grey.png", (180, 180, 180))
    shots = (Shot(0.0, 3.0, 0, white), Shot(3.0, 6.0, 1, grey, scene_break=True))
    timeline = Timeline(6.0, (), shots)
    spans = plan_spans(shots, 30, 180, 0, transitions=choose_transitions(shots, ()))
    assert spans[0].end == spans[1].first == 90, "the pictures do not overlap"
    assert spans[0].dip_out_frames == spans[1].dip_in_frames == round(DIP_S * 30 / 2)
    luma = [float(frame.y.mean()) for frame in iter_frames(timeline, SMALL)]
    assert luma[89] < 40 and luma[90] < 40, "black at the break"
    assert luma[60] > 230 and luma[120] > 160
    assert luma[75] > luma[85] > luma[89], "fading out"
    assert luma[90] < luma[95] < luma[107], "fading in"


def test_dip_gain_is_a_pure_function_of_the_frame_in_its_shot() -> None:
    assert dip_gain(0, 100, 10, 0) == 0.05
    assert dip_gain(50, 100, 10, 10) == 1.0
    assert dip_gain(99, 100, 0, 10) == 0.05


def test_any_frame_draws_the_same_on_its_own(tmp_path: Path) -> None:
    white = solid_picture(tmp_path / "white.png", (250, 250, 250))
    grey = solid_picture(tmp_path / "grey.png", (120, 160, 200))
    shots = (Shot(0.0, 2.0, 0, white), Shot(2.0, 4.0, 1, grey, scene_break=True))
    timeline = Timeline(4.0, (_speech(0, 0.5, 1.5),), shots)
    in_order = list(iter_frames(timeline, SMALL))
    for index in (5, 50, 62, 70, 110):
        alone = FilmFrames(timeline, SMALL)
        buffer = FrameBuffer(SMALL.width, SMALL.height)
        alone.render(index, buffer)
        assert np.array_equal(buffer.y, in_order[index].y)
