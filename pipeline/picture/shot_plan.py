"""Where each shot sits in frames and how its Ken Burns move runs: planned before drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.types import Shot

MAX_ZOOM = 1.12
"""Largest Ken Burns zoom relative to a cover fit; images are prepared at this scale."""
ZOOM_RATE_PER_S = 0.012
"""Fastest zoom change per second (1.2 % a second: a slow push)."""
PAN_RATE_PER_S = 0.02
"""Fastest pan per second, as a fraction of the frame's width or height."""
CROSSFADE_S = 0.5
"""Length of the dissolve between two shots."""
SPEAKER_FOCUS_Y = 0.35
"""Where a speaking character's shot drifts vertically (0 top .. 1 bottom): faces sit high."""


@dataclass(frozen=True)
class KenBurns:
    """A shot's move: zoom (1 = cover fit) and view-centre position (0..1 of the free room)."""

    zoom_start: float
    zoom_end: float
    x_start: float
    x_end: float
    y_start: float
    y_end: float

    def at(self, progress: float) -> tuple[float, float, float]:
        """Zoom and relative centre (x, y) at progress 0..1 through the shot."""
        zoom = self.zoom_start * (self.zoom_end / self.zoom_start) ** progress
        x = self.x_start + (self.x_end - self.x_start) * progress
        y = self.y_start + (self.y_end - self.y_start) * progress
        return zoom, x, y


def plan_move(shot: Shot, index: int, duration_s: float, seed: int) -> KenBurns:
    """A deterministic slow zoom and pan for one shot, gentle whatever its length."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, index])
    zoom_span = min(MAX_ZOOM - 1.0, ZOOM_RATE_PER_S * duration_s)
    low = 1.0 + float(rng.uniform(0.0, MAX_ZOOM - 1.0 - zoom_span))
    high = low + zoom_span
    zoom_in = shot.speaker is not None or bool(rng.integers(0, 2))
    zoom_start, zoom_end = (low, high) if zoom_in else (high, low)
    pan = min(0.5, PAN_RATE_PER_S * duration_s / max(MAX_ZOOM - 1.0, 1e-6))
    angle = float(rng.uniform(0.0, 2 * math.pi))
    dx, dy = 0.5 * pan * math.cos(angle), 0.5 * pan * math.sin(angle)
    centre_x, centre_y = 0.5, SPEAKER_FOCUS_Y if shot.speaker is not None else 0.5
    return KenBurns(
        zoom_start=zoom_start,
        zoom_end=zoom_end,
        x_start=_unit(centre_x - dx),
        x_end=_unit(centre_x + dx),
        y_start=_unit(centre_y - dy),
        y_end=_unit(centre_y + dy),
    )


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass(frozen=True)
class ShotSpan:
    """A shot's frames on screen, including the halves of its crossfades: [first, end)."""

    shot: Shot
    index: int
    first: int
    end: int
    fade_in_frames: int
    fade_out_frames: int
    move: KenBurns


def plan_spans(shots: Sequence[Shot], fps: int, total_frames: int, seed: int) -> list[ShotSpan]:
    """Frame ranges of every shot, overlapping by a crossfade at each cut."""
    bounds = [
        (min(total_frames, round(shot.start_s * fps)), min(total_frames, round(shot.end_s * fps)))
        for shot in shots
    ]
    fades = [0] * (len(shots) + 1)
    for cut in range(1, len(shots)):
        before = bounds[cut - 1][1] - bounds[cut - 1][0]
        after = bounds[cut][1] - bounds[cut][0]
        half = min(round(CROSSFADE_S * fps / 2), before // 3, after // 3)
        fades[cut] = max(0, half)
    spans: list[ShotSpan] = []
    for index, shot in enumerate(shots):
        start, end = bounds[index]
        if end <= start:
            continue
        first = max(0, start - fades[index])
        last = min(total_frames, end + fades[index + 1])
        spans.append(
            ShotSpan(
                shot=shot,
                index=index,
                first=first,
                end=last,
                fade_in_frames=2 * fades[index],
                fade_out_frames=2 * fades[index + 1],
                move=plan_move(shot, index, (last - first) / fps, seed),
            )
        )
    return spans
