"""Pieces every neural backend shares: the "cannot serve this" error, device and dtype choice.

torch is imported inside the functions that need it, so importing this module stays cheap
and the web process (which never loads models) can import the error class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    import torch

Device = Literal["cuda", "cpu"]


class BackendUnavailableError(PipelineError):
    """A neural backend cannot serve a request here: its weights are missing or incomplete,
    or it has nothing for the requested language/voice. The stage falls back to its CPU
    default and logs this message."""


def select_device(preferred: str | None = None) -> Device:
    """The torch device to run on: "cuda" when a GPU is usable, else "cpu".

    preferred "cpu" forces the CPU; preferred "cuda" without a usable GPU raises
    BackendUnavailableError rather than silently running somewhere else.
    """
    import torch

    if preferred not in (None, "cpu", "cuda"):
        raise ValueError(f"Unknown device {preferred!r}; use 'cuda' or 'cpu'.")
    if preferred == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if preferred == "cuda":
        raise BackendUnavailableError("A CUDA device was requested but none is available.")
    return "cpu"


def dtype_for(device: Device) -> torch.dtype:
    """float16 on a GPU (half the memory, tensor cores), float32 on the CPU (fp16 is slow there)."""
    import torch

    return torch.float16 if device == "cuda" else torch.float32


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
