"""Overall progress, stage timing and timed chunk streams."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from pipeline.film import STAGE_WEIGHTS
from pipeline.progress import OverallProgress, StageClock, TimedChunks
from pipeline.types import AudioArray


def test_overall_progress_is_monotonic_across_stages() -> None:
    seen: list[float] = []
    progress = OverallProgress(lambda _stage, fraction: seen.append(fraction), STAGE_WEIGHTS)
    progress("tts", 0.5)
    progress("tts", 0.2)  # a stage going back never moves the whole render back
    progress("images", 1.0)  # nor does an earlier stage reporting late
    progress("subtitles", 1.0)
    progress("encode", 0.5)
    progress("unknown", 0.9)
    progress("report", 1.0)
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)
    assert 0 < seen[0] < seen[3] < seen[4] < 1


def test_stage_clock_adds_up_repeated_stages() -> None:
    clock = StageClock()
    for _ in range(2):
        with clock.stage("tts"):
            time.sleep(0.01)
    assert clock.seconds["tts"] >= 0.02


def test_timed_chunks_pass_every_chunk_and_count_the_time_making_them() -> None:
    def slow() -> Iterator[AudioArray]:
        for index in range(3):
            time.sleep(0.01)
            yield np.full((4, 2), index, np.float32)

    timed = TimedChunks(slow())
    assert [int(chunk[0, 0]) for chunk in timed] == [0, 1, 2]
    assert timed.seconds >= 0.03
    assert list(TimedChunks(None)) == []


def test_music_progress_counts_between_the_subtitles_and_the_pictures() -> None:
    seen: list[tuple[str, float]] = []
    progress = OverallProgress(
        lambda stage, fraction: seen.append((stage, fraction)), STAGE_WEIGHTS
    )
    progress("subtitles", 1.0)
    progress("music", 0.5)
    progress("music", 1.0)
    progress("encode", 0.0)
    (_, subtitles), (_, half), (_, done), (_, pictures) = seen
    assert [stage for stage, _fraction in seen] == ["subtitles", "music", "music", "encode"]
    assert subtitles < half < done == pytest.approx(pictures)
    assert done - subtitles == pytest.approx(STAGE_WEIGHTS["music"] / sum(STAGE_WEIGHTS.values()))


def test_overall_progress_from_two_threads_stays_monotonic() -> None:
    seen: list[float] = []
    progress = OverallProgress(lambda _stage, fraction: seen.append(fraction), STAGE_WEIGHTS)

    def report(stage: str) -> None:
        for step in range(200):
            progress(stage, step / 199)

    threads = [threading.Thread(target=report, args=(stage,)) for stage in ("music", "encode")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 400 and seen == sorted(seen)
