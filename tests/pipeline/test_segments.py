"""Segment and stage keys: they change when what they draw or make changes, and not otherwise."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline import segments
from pipeline.backends import BackendChoice, cache_inputs
from pipeline.media.encode import EncodeSettings
from pipeline.picture.shot_plan import plan_spans
from pipeline.picture.visuals import FilmFrames
from pipeline.segments import plan_segments, scene_first_frames
from pipeline.stage_cache import music_key, speech_key
from pipeline.types import Sentence, Shot, Timeline, VideoFormat
from tests.pipeline.render_media import write_picture

FMT = VideoFormat(320, 180, 30)
SETTINGS = EncodeSettings(encoder="libx264")


def _timeline(images: list[Path], offset_s: float = 0.0) -> Timeline:
    """Three 4-second scenes (each one image shot); offset_s lengthens the first scene."""
    shots = []
    start = 0.0
    for number, image in enumerate(images):
        length = 4.0 + (offset_s if number == 0 else 0.0)
        shots.append(Shot(start, start + length, number, image))
        start += length
    return Timeline(start, (), tuple(shots))


def _keys(images: list[Path], seed: int = 1, offset_s: float = 0.0) -> list[str]:
    timeline = _timeline(images, offset_s)
    frames = FilmFrames(timeline, FMT, seed=seed)
    firsts = scene_first_frames(timeline.shots, len(images), FMT.fps)
    return [s.key for s in plan_segments(frames, firsts, FMT, SETTINGS, seed)]


@pytest.fixture
def images(tmp_path: Path) -> list[Path]:
    return [write_picture(tmp_path / f"p{n}.png", 320, 200, seed=n) for n in range(3)]


def test_segment_keys_are_stable_and_follow_the_pictures(images: list[Path]) -> None:
    base = _keys(images)
    assert len(set(base)) == 3
    assert _keys(images) == base
    write_picture(images[2], 320, 200, seed=9)
    changed = _keys(images)
    assert changed[0] == base[0]
    assert changed[1] != base[1]  # its crossfade into the third scene shows the new picture
    assert changed[2] != base[2]


def test_seed_and_version_move_every_segment_key(
    images: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _keys(images)
    assert all(a != b for a, b in zip(base, _keys(images, seed=2), strict=True))
    monkeypatch.setattr(segments, "VERSION", "test-next")
    assert all(a != b for a, b in zip(base, _keys(images), strict=True))


def test_a_scene_moved_in_time_keeps_its_later_neighbours_keys(images: list[Path]) -> None:
    base = _keys(images)
    moved = _keys(images, offset_s=1.0)
    assert moved[0] != base[0]
    assert moved[2] == base[2]


def test_a_shot_move_depends_on_the_shot_not_its_place(images: list[Path]) -> None:
    shot = Shot(4.0, 8.0, 1, images[1])
    alone = plan_spans([Shot(0.0, 4.0, 0, images[0]), shot], 30, 240, seed=3)
    shifted = dataclasses.replace(shot, start_s=6.0, end_s=10.0)
    moved = plan_spans(
        [Shot(0.0, 3.0, 0, images[0]), Shot(3.0, 6.0, 0, images[2]), shifted], 30, 300, seed=3
    )
    assert alone[-1].move == moved[-1].move


def test_speech_keys_change_with_every_input_and_not_otherwise() -> None:
    lines = (Sentence(0, 0, "The river was quiet."), Sentence(1, 0, "Nobody came.", "MAYA"))
    backend = cache_inputs(BackendChoice(), "tts")
    base = speech_key(lines, "female", "en", 160, backend)
    assert base == speech_key(lines, "female", "en", 160, dict(backend))
    renumbered = tuple(dataclasses.replace(s, index=s.index + 5, scene_index=3) for s in lines)
    assert speech_key(renumbered, "female", "en", 160, backend) == base
    edited = (lines[0], dataclasses.replace(lines[1], text="Somebody came."))
    other_speaker = (lines[0], dataclasses.replace(lines[1], speaker="RAVI"))
    changed = [
        speech_key(edited, "female", "en", 160, backend),
        speech_key(other_speaker, "female", "en", 160, backend),
        speech_key(lines, "male", "en", 160, backend),
        speech_key(lines, "female", "hi", 160, backend),
        speech_key(lines, "female", "en", 161, backend),
        speech_key(lines, "female", "en", 160, cache_inputs(BackendChoice(tts="piper"), "tts")),
    ]
    assert len({base, *changed}) == len(changed) + 1


def test_music_keys_change_with_seed_style_track_bytes_and_backend(tmp_path: Path) -> None:
    backend = cache_inputs(BackendChoice(), "music")
    base = music_key("cinematic", None, None, 60.0, 7, 48_000, backend)
    assert base == music_key("cinematic", None, None, 60.0, 7, 48_000, backend)
    track = tmp_path / "song.wav"
    track.write_bytes(b"RIFF-one")
    with_track = music_key(None, track, None, 60.0, 7, 48_000, backend)
    track.write_bytes(b"RIFF-two")
    changed = [
        music_key("cinematic", None, None, 60.0, 8, 48_000, backend),
        music_key("ambient", None, None, 60.0, 7, 48_000, backend),
        music_key("cinematic", None, None, 61.0, 7, 48_000, backend),
        music_key("cinematic", None, "harp", 60.0, 7, 48_000, backend),
        music_key("cinematic", None, None, 60.0, 7, 48_000, {**backend, "soundfont": "none"}),
        with_track,
        music_key(None, track, None, 60.0, 7, 48_000, backend),
    ]
    assert len({base, *changed}) == len(changed) + 1
