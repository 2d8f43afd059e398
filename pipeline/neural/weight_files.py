"""Checks that a model folder holds every file a backend needs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.errors import BackendUnavailableError


def missing_paths(folder: Path, required: Iterable[str]) -> list[str]:
    """The required relative paths that do not exist (or are empty files) under folder."""
    missing = []
    for relative in required:
        path = folder / relative
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            missing.append(relative)
    return missing


def missing_alternatives(folder: Path, groups: Iterable[Sequence[str]]) -> list[str]:
    """For each group of interchangeable relative paths (e.g. a .safetensors or a .bin file),
    the group (written "a | b") when none of its paths exists under folder."""
    return [
        " | ".join(group) for group in groups if len(missing_paths(folder, group)) == len(group)
    ]


def require_complete(folder: Path, missing: list[str], what: str) -> None:
    """Raise BackendUnavailableError naming the missing files when the list is not empty."""
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise BackendUnavailableError(
            f"{what} weights in {folder} are incomplete; missing: {shown}."
        )


def is_nonempty_file(path: Path) -> bool:
    """True when path is a file with at least one byte."""
    return path.is_file() and path.stat().st_size > 0
