"""When a speaking character blinks: a schedule drawn from the seed and the picture's name.

blink_amount(offset_s, key) is 0 (eyes open) .. 1 (closed) at a time into the shot, a pure
function of the two, so any frame of a shot can be drawn alone. Blinks come every
MIN_GAP_S..MAX_GAP_S (people blink about every 2-6 s), each closing over CLOSE_S and
opening over OPEN_S.
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np

FIRST_MIN_S = 0.6
FIRST_MAX_S = 2.4
"""The first blink comes this long into the shot."""
MIN_GAP_S = 2.5
MAX_GAP_S = 5.5
"""Time between the starts of two blinks."""
CLOSE_S = 0.07
OPEN_S = 0.13
"""A blink closes quickly and opens a little slower (about 0.2 s in all)."""
SCHEDULE_S = 600.0
"""Blinks are planned this far into a shot (longer shots repeat the schedule)."""


def blink_key(seed: int, image_name: str) -> tuple[int, int]:
    """The key of a shot's blink schedule: the film's seed and the picture's name."""
    return seed & 0xFFFFFFFF, zlib.crc32(image_name.encode("utf-8"))


@cache
def _starts(key: tuple[int, int]) -> np.ndarray:
    rng = np.random.default_rng(list(key))
    starts = [float(rng.uniform(FIRST_MIN_S, FIRST_MAX_S))]
    while starts[-1] < SCHEDULE_S:
        starts.append(starts[-1] + float(rng.uniform(MIN_GAP_S, MAX_GAP_S)))
    return np.array(starts)


def blink_amount(offset_s: float, key: tuple[int, int]) -> float:
    """How closed the eyes are (0 open .. 1 closed) offset_s into the shot."""
    starts = _starts(key)
    time_s = offset_s % SCHEDULE_S
    position = int(np.searchsorted(starts, time_s, side="right")) - 1
    if position < 0:
        return 0.0
    since = time_s - float(starts[position])
    if since < CLOSE_S:
        return since / CLOSE_S
    if since < CLOSE_S + OPEN_S:
        return 1.0 - (since - CLOSE_S) / OPEN_S
    return 0.0
