"""ONNX Runtime sessions: provider choice (CUDA when onnxruntime-gpu has it, else CPU).

onnxruntime is imported only when a session is made, so importing the pipeline never
needs it; a missing install or model file raises BackendUnavailableError with one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import BackendUnavailableError

CUDA_PROVIDER = "CUDAExecutionProvider"
CPU_PROVIDER = "CPUExecutionProvider"


def _onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as error:
        raise BackendUnavailableError(
            "onnxruntime is not installed; install the 'neural' (CPU) or 'gpu' extra."
        ) from error
    return onnxruntime


def available_providers() -> list[str]:
    """Execution providers the installed onnxruntime offers, best first."""
    providers: list[str] = list(_onnxruntime().get_available_providers())
    return providers


def choose_providers(available: Sequence[str], prefer_gpu: bool = True) -> list[str]:
    """CUDA then CPU when CUDA is offered (onnxruntime-gpu) and wanted; otherwise CPU only."""
    if prefer_gpu and CUDA_PROVIDER in available:
        return [CUDA_PROVIDER, CPU_PROVIDER]
    return [CPU_PROVIDER]


def create_session(
    model_path: Path | bytes,
    providers: Sequence[str] | None = None,
    intra_op_threads: int | None = None,
) -> Any:
    """An onnxruntime.InferenceSession for a model file (or a serialised model in memory);
    providers default to choose_providers(available_providers()). Raises
    BackendUnavailableError when the file is missing or is not a loadable ONNX model."""
    ort = _onnxruntime()
    if isinstance(model_path, Path) and not model_path.is_file():
        raise BackendUnavailableError(f"Model file {model_path} does not exist.")
    where = model_path if isinstance(model_path, Path) else "(in memory)"
    options = ort.SessionOptions()
    if intra_op_threads is not None:
        options.intra_op_num_threads = intra_op_threads
    chosen = list(providers) if providers is not None else choose_providers(available_providers())
    try:
        source = str(model_path) if isinstance(model_path, Path) else model_path
        return ort.InferenceSession(source, sess_options=options, providers=chosen)
    except Exception as error:  # onnxruntime raises its own Fail/InvalidGraph types
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise BackendUnavailableError(
            f"Model file {where} could not be loaded by onnxruntime: {first_line}"
        ) from error


def onnx_providers(device: str | None) -> tuple[str, ...]:
    """The providers for a device choice: "cpu" forces the CPU; otherwise CUDA first when
    onnxruntime offers it. Raises BackendUnavailableError for "cuda" without a CUDA provider."""
    if device == "cpu":
        return (CPU_PROVIDER,)
    offered = available_providers()
    if CUDA_PROVIDER in offered:
        return (CUDA_PROVIDER, CPU_PROVIDER)
    if device == "cuda":
        raise BackendUnavailableError(
            "A CUDA device was requested but onnxruntime offers no CUDA provider "
            "(install onnxruntime-gpu)."
        )
    return (CPU_PROVIDER,)


def onnx_uses_cuda(device: str | None) -> bool:
    """Whether an ONNX model would run on CUDA for this device choice (never raises)."""
    if device == "cpu":
        return False
    try:
        return CUDA_PROVIDER in available_providers()
    except BackendUnavailableError:
        return False
