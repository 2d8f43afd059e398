"""The film's music bed made early, in a thread of its own, while the render speaks the script."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from pipeline.backends import StageBackends
from pipeline.cache.store import LocalCacheStore
from pipeline.errors import InputError, RenderCancelled, ScriptLengthError
from pipeline.film import render_film
from pipeline.film_music import MusicBed
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice
from pipeline.stage_cache import CacheTally
from pipeline.types import FILM_SAMPLE_RATE_HZ, no_progress

LENGTH_S = 4.0
SCRIPT = "The lighthouse stood alone on the cliff above the grey sea."


def _bed(request: FilmRequest, folder: Path, cache: LocalCacheStore | None = None) -> MusicBed:
    stages = StageBackends(request.backends)
    return MusicBed(request, LENGTH_S, stages, cache, CacheTally(), folder)


def _request(music: MusicChoice) -> FilmRequest:
    return FilmRequest(script=SCRIPT, duration_s=LENGTH_S, music=music, size=(320, 180))


def test_the_early_stem_holds_the_music_the_bed_streams(tmp_path: Path) -> None:
    request = _request(MusicChoice.named("ambient"))
    early = _bed(request, tmp_path).start_early()
    assert early is not None
    seen: list[tuple[str, float]] = []
    stem = early.result(lambda *step: seen.append(step))
    assert stem is not None
    written = np.fromfile(stem, dtype=np.float32).reshape(-1, 2)
    source = _bed(request, tmp_path).source()
    assert source is not None
    streamed = np.concatenate([np.asarray(chunk, np.float32) for chunk in source])
    assert len(written) == round(LENGTH_S * FILM_SAMPLE_RATE_HZ)
    assert np.array_equal(written, streamed[: len(written)])
    assert np.abs(written).max() > 0.01
    assert all(stage == "music" for stage, _fraction in seen)

    early.stop()
    assert not stem.exists(), "stopping removes the stem"


def test_silence_and_music_in_the_cache_are_not_made_early(tmp_path: Path) -> None:
    assert _bed(_request(MusicChoice.silence()), tmp_path).start_early() is None

    cache = LocalCacheStore(tmp_path / "cache")
    request = _request(MusicChoice.named("ambient"))
    first = _bed(request, tmp_path, cache)
    early = first.start_early()
    assert early is not None and early.result(no_progress) is not None
    assert first.key is not None and cache.holds(first.key), "made music is kept"
    assert _bed(request, tmp_path, cache).start_early() is None


def test_an_unreadable_track_is_raised_in_the_render_thread(tmp_path: Path) -> None:
    track = tmp_path / "broken.wav"
    track.write_bytes(b"RIFF" + bytes(100))
    early = _bed(_request(MusicChoice.from_track(track)), tmp_path).start_early()
    assert early is not None
    with pytest.raises(InputError):
        early.result(no_progress)


@pytest.mark.parametrize("failure", ["cancelled", "too long"])
def test_a_render_that_stops_early_stops_its_music(tmp_path: Path, failure: str) -> None:
    def cancel(stage: str, _fraction: float) -> None:
        if stage == "tts":
            raise RenderCancelled("stopped by the user")

    # Ten minutes of music are still being made when the render stops.
    request = FilmRequest(
        script=" ".join([SCRIPT] * (1 if failure == "too long" else 200)),
        duration_s=600.0,
        music=MusicChoice.named("ambient"),
        size=(320, 180),
    )
    expected = ScriptLengthError if failure == "too long" else RenderCancelled
    with pytest.raises(expected):
        render_film(request, tmp_path / "out", cancel)
    assert not [thread for thread in threading.enumerate() if thread.name == "film-music"]
    assert list((tmp_path / "out").iterdir()) == []
