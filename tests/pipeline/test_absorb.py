"""Fit-to-length after an edit: scenes keep their frames when the change fits the pauses."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pipeline.absorb import fit_layout
from pipeline.script.scenes import parse_script
from pipeline.storyboard import PreviousLayout, previous_layout, scene_records
from pipeline.timing import layout
from pipeline.types import Script, SpokenSentence, Timeline

FPS = 30
RATE = 22_050
DURATION_S = 30.0
SCRIPT = """The first scene has one sentence here. And a second one.

The middle scene speaks once.

The third scene has two lines. This is the other.

A fourth scene ends it."""


def _spoken(script: Script, lengths: list[float]) -> list[SpokenSentence]:
    return [
        SpokenSentence(sentence, np.zeros(round(length * RATE), np.float32), RATE)
        for sentence, length in zip(script.sentences, lengths, strict=True)
    ]


def _previous(script: Script, timeline: Timeline) -> PreviousLayout:
    firsts = []
    for scene in script.scenes:
        frames = [round(s.start_s * FPS) for s in timeline.shots if s.scene_index == scene.index]
        firsts.append(min(frames))
    firsts[0] = 0
    flags = [False] * len(script.scenes)
    scenes = scene_records(script, "neutral", firsts, timeline, FPS, flags, flags)
    found = previous_layout({"scenes": scenes, "settings": {"fps": FPS, "words_per_minute": 150}})
    assert found is not None
    return found


def _scene_starts(script: Script, timeline: Timeline) -> list[int]:
    return [
        min(round(s.start_s * FPS) for s in timeline.shots if s.scene_index == scene.index)
        for scene in script.scenes
    ]


BASE = [2.0, 1.8, 2.5, 2.2, 1.9, 2.0]


def test_a_small_change_keeps_every_scene_in_place_and_the_others_speech_untouched() -> None:
    script = parse_script(SCRIPT, [], "en")
    first = layout(script, _spoken(script, BASE), DURATION_S, FPS)
    previous = _previous(script, first)
    longer = list(BASE)
    longer[2] += 0.6
    fit = fit_layout(script, _spoken(script, longer), DURATION_S, FPS, previous)
    assert fit.absorbed
    assert fit.reason is None
    assert _scene_starts(script, fit.timeline) == _scene_starts(script, first)
    for index in (0, 1, 3, 4, 5):
        assert fit.timeline.speech[index].start_s == first.speech[index].start_s
    moved = fit.timeline.speech[2]
    assert moved.end_s - moved.start_s == pytest.approx(longer[2], abs=1e-4)
    assert fit.timeline.duration_s == DURATION_S


def test_a_change_beyond_the_pauses_lays_the_film_out_again_and_says_why() -> None:
    script = parse_script(SCRIPT, [], "en")
    first = layout(script, _spoken(script, BASE), DURATION_S, FPS)
    previous = _previous(script, first)
    longer = list(BASE)
    longer[2] += 12.0
    fit = fit_layout(script, _spoken(script, longer), DURATION_S, FPS, previous)
    assert not fit.absorbed
    assert fit.reason is not None
    assert "Scene 2" in fit.reason
    assert "laid out again" in fit.reason
    assert fit.timeline.duration_s == DURATION_S


def test_a_neighbour_lends_its_pauses_when_the_scene_alone_cannot_take_the_change() -> None:
    script = parse_script(SCRIPT, [], "en")
    first = layout(script, _spoken(script, BASE), DURATION_S, FPS)
    previous = _previous(script, first)
    own_room = previous.scenes[1].frames / FPS - BASE[2]
    longer = list(BASE)
    longer[2] += own_room - 0.1
    fit = fit_layout(script, _spoken(script, longer), DURATION_S, FPS, previous)
    assert fit.absorbed
    starts = _scene_starts(script, fit.timeline)
    assert starts[0] == 0
    assert starts != _scene_starts(script, first)
    speech = fit.timeline.speech
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(speech))


def test_changed_scene_count_is_laid_out_again() -> None:
    script = parse_script(SCRIPT, [], "en")
    first = layout(script, _spoken(script, BASE), DURATION_S, FPS)
    previous = _previous(script, first)
    fewer = parse_script(SCRIPT.rsplit("\n\n", 1)[0], [], "en")
    fit = fit_layout(fewer, _spoken(fewer, BASE[:5]), DURATION_S, FPS, previous)
    assert fit.reason is not None
    assert "added or removed" in fit.reason


def test_previous_layout_refuses_a_record_without_scenes() -> None:
    assert previous_layout({}) is None
    assert previous_layout({"scenes": [{"first_frame": "x"}], "settings": {"fps": 30}}) is None
