"""The price of re-rendering changed scenes: credits per started minute of their length."""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.credits.service import film_cost
from app.storyboard.board import BoardScene
from db.models import Plan, Project
from pipeline.speech.estimate import speech_seconds

SECONDS_PER_MINUTE = 60
MIN_EDIT_CREDITS = 1
"""A render of changes costs at least this much, even when nothing changed."""
ESTIMATE_PACE_WPM = 160
"""The pace the scene shares are estimated at (only their ratio matters)."""


def changed_seconds(board: Sequence[BoardScene], changed: Sequence[int], project: Project) -> float:
    """Seconds of film the changed scenes take: each scene's share of the film's length is its
    share of the estimated narration (the fit step stretches every scene alike)."""
    spoken = {
        scene.index: speech_seconds(
            scene.text, project.language, str(project.voice), ESTIMATE_PACE_WPM
        )
        for scene in board
        if scene.fingerprint is not None
    }
    total = sum(spoken.values())
    if total <= 0:
        return 0.0
    film_s = project.duration * SECONDS_PER_MINUTE
    return film_s * sum(spoken.get(index, 0.0) for index in changed) / total


def edit_cost(plan: Plan, seconds: float) -> int:
    """The plan's price per started minute of the re-rendered length, at least one credit."""
    minutes = math.ceil(round(seconds, 3) / SECONDS_PER_MINUTE)
    return max(MIN_EDIT_CREDITS, film_cost(plan, minutes))
