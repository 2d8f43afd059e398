"""A render's time left as the studio shows it: smoothed, so it counts down instead of jumping
with each new estimate from the worker."""

from __future__ import annotations

from typing import Any

SMOOTHING = 0.3
"""Share of a new estimate taken in at each poll (the rest follows the running countdown)."""


def smooth_eta(
    memory: object, film_id: str, estimate_s: float | None, now_s: float
) -> tuple[float | None, dict[str, Any] | None]:
    """The ETA to show and what to remember for the next poll of this film.

    `memory` is the previous poll's answer; a different film, an unknown estimate or a first
    poll shows the worker's estimate as it is.
    """
    if estimate_s is None:
        return None, None
    previous = memory if isinstance(memory, dict) else {}
    if previous.get("film") != film_id or not isinstance(previous.get("eta"), int | float):
        shown = estimate_s
    else:
        elapsed = max(0.0, now_s - float(previous.get("at", now_s)))
        countdown = max(0.0, float(previous["eta"]) - elapsed)
        shown = countdown + SMOOTHING * (estimate_s - countdown)
    return shown, {"film": film_id, "eta": shown, "at": now_s}
