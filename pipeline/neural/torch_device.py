"""The torch device and dtype a neural backend runs with.

torch is imported inside the functions that need it, so importing this module stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pipeline.errors import BackendUnavailableError

if TYPE_CHECKING:
    import torch

Device = Literal["cuda", "cpu"]


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


def is_out_of_memory(error: BaseException) -> bool:
    """True for an out-of-memory error from torch (by type, or by message from older torch)."""
    import torch

    return isinstance(error, torch.OutOfMemoryError) or "out of memory" in str(error).lower()


def free_cuda() -> None:
    """Give the CUDA allocator's cache back after an out-of-memory error (no-op without a GPU)."""
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
