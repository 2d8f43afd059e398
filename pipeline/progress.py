"""Progress and timing helpers for a render: one overall fraction, seconds per stage."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping

from pipeline.types import AudioArray, ProgressCallback


class OverallProgress:
    """Turns per-stage fractions into one fraction of the whole render that never goes back.

    Thread-safe: music generated in the sound thread reports beside the pictures, and the
    calls reach the callback one at a time, in the order of their fractions."""

    def __init__(self, callback: ProgressCallback, weights: Mapping[str, float]) -> None:
        self._callback = callback
        total = sum(weights.values())
        self._start: dict[str, float] = {}
        self._share: dict[str, float] = {}
        done = 0.0
        for name, weight in weights.items():
            self._start[name] = done / total
            self._share[name] = weight / total
            done += weight
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, stage: str, fraction: float) -> None:
        """Report `fraction` (0..1) of `stage` as progress(stage, overall fraction)."""
        if stage not in self._start:
            return
        value = self._start[stage] + self._share[stage] * min(1.0, max(0.0, fraction))
        with self._lock:
            self._last = max(self._last, min(1.0, value))
            self._callback(stage, self._last)


class TimedChunks:
    """Wraps a chunk iterator and adds up the seconds spent producing its chunks."""

    def __init__(self, source: Iterator[AudioArray] | None) -> None:
        self.source = source
        self.seconds = 0.0

    def __iter__(self) -> Iterator[AudioArray]:
        if self.source is None:
            return
        while True:
            started = time.perf_counter()
            try:
                chunk = next(self.source)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - started
            yield chunk


class StageClock:
    """Seconds spent in each stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block under `name` (added to any earlier time of that stage)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
