"""The one way a stage falls back from a neural backend to its CPU default.

A chosen neural backend that cannot serve (weights missing, no voice for the language, no GPU
when one was demanded, no face in an image) is not an error: the stage uses its default, one
sentence says why (once per render, in `warnings` and the pipeline log), and `used` records
what actually ran. Nothing falls back silently.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

logger = logging.getLogger(__name__)


class BackendLog:
    """What one render's (or stage job's) backends did: the backend used per stage, warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.used: dict[str, str] = {}
        self._lock = threading.Lock()

    def warn(self, message: str) -> None:
        """Add a warning once (and log it)."""
        with self._lock:
            if message in self.warnings:
                return
            self.warnings.append(message)
        logger.warning("%s", message)

    def use(self, stage: str, backend: str) -> None:
        """Record the backend that serves a stage."""
        self.used[stage] = backend

    def fall_back(self, stage: str, default: str, message: str) -> None:
        """The stage runs on its default: record it and say why."""
        self.warn(message)
        self.used[stage] = default


def no_model_dir(what: str, fallback: str, download: str) -> str:
    """The sentence for a neural backend chosen on a host with no MODEL_DIR."""
    return f"{what} was chosen but MODEL_DIR is not set, so {fallback} ({download})."


def missing_weights(
    what: str, folder: Path, missing: list[str], fallback: str, download: str
) -> str:
    """The sentence for a neural backend whose weights are not (all) in its folder."""
    return (
        f"{what} weights are not in {folder} (missing {', '.join(missing[:3])}), so "
        f"{fallback} ({download})."
    )
