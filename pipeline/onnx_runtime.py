"""ONNX Runtime sessions: provider choice (CUDA when onnxruntime-gpu has it, else CPU).

onnxruntime is imported only when a session is made, so importing the pipeline never
needs it; a missing install or model file raises ModelUnavailableError with one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

CUDA_PROVIDER = "CUDAExecutionProvider"
CPU_PROVIDER = "CPUExecutionProvider"


class ModelUnavailableError(PipelineError):
    """A neural backend cannot run: its runtime or its weights are missing or unreadable."""


def _onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as error:
        raise ModelUnavailableError(
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
    model_path: Path,
    providers: Sequence[str] | None = None,
    intra_op_threads: int | None = None,
) -> Any:
    """An onnxruntime.InferenceSession for a model file; providers default to
    choose_providers(available_providers()). Raises ModelUnavailableError when the file is
    missing or is not a loadable ONNX model."""
    ort = _onnxruntime()
    if not model_path.is_file():
        raise ModelUnavailableError(f"Model file {model_path} does not exist.")
    options = ort.SessionOptions()
    if intra_op_threads is not None:
        options.intra_op_num_threads = intra_op_threads
    chosen = list(providers) if providers is not None else choose_providers(available_providers())
    try:
        return ort.InferenceSession(str(model_path), sess_options=options, providers=chosen)
    except Exception as error:  # onnxruntime raises its own Fail/InvalidGraph types
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise ModelUnavailableError(
            f"Model file {model_path} could not be loaded by onnxruntime: {first_line}"
        ) from error
