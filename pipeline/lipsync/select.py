"""Whether speaking faces are lip-synced: the Wav2Lip model when chosen and loadable."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.wav2lip import Wav2LipModel
from pipeline.neural.fallback import BackendLog
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.onnx import onnx_providers
from pipeline.neural.registry import WAV2LIP, missing_files, model_path
from pipeline.vocabulary import LipSyncBackend

STAGE = "lipsync"
NO_LIPSYNC = "none"
"""render.json's name for "no lip-sync"."""

_WAV2LIP_LOCK = threading.Lock()


def load_wav2lip(path: Path, device: str | None = None) -> Wav2LipModel:
    """The Wav2Lip ONNX model at path, loaded once per process and device (read-only after).

    device "cpu" forces the CPU provider; otherwise CUDA is used when onnxruntime-gpu offers
    it. Raises BackendUnavailableError (one sentence) when it cannot be loaded.
    """
    with _WAV2LIP_LOCK:
        return _load_wav2lip_cached(path.resolve(), onnx_providers(device))


@cache
def _load_wav2lip_cached(path: Path, providers: tuple[str, ...]) -> Wav2LipModel:
    return Wav2LipModel.load(path, providers=list(providers))


def lipsync_model(
    backend: LipSyncBackend,
    model_dir: Path | None,
    device: str | None,
    log: BackendLog,
    always_warn: bool = False,
    commercial_only: bool = False,
) -> Wav2LipModel | None:
    """The Wav2Lip model when lip-sync is chosen (or auto) and its weights load; else None
    with a warning (for auto, only when always_warn: a job that asked for lip-sync)."""
    if backend == "none":
        log.use(STAGE, NO_LIPSYNC)
        if always_warn:
            log.warn("Lip-sync is switched off on this server (LIPSYNC_BACKEND=none).")
        return None
    loud = backend == "wav2lip" or always_warn
    if is_refused(WAV2LIP, commercial_only):
        log.use(STAGE, NO_LIPSYNC)
        present = model_dir is not None and not missing_files(WAV2LIP, model_dir)
        if loud or present:
            log.warn(refusal("Lip-sync", WAV2LIP, "faces are not lip-synced"))
        return None
    problem: str | None = None
    model = None
    if model_dir is None:
        problem = "MODEL_DIR is not set"
    elif missing := missing_files(WAV2LIP, model_dir):
        problem = f"{', '.join(missing)} is not in {model_dir / WAV2LIP.folder}"
    else:
        try:
            model = load_wav2lip(model_path(WAV2LIP, model_dir), device)
        except BackendUnavailableError as error:
            problem = str(error).rstrip(".")
            loud = True  # the weights are there but do not load: never quietly
    if model is None:
        log.use(STAGE, NO_LIPSYNC)
        if loud:
            log.warn(
                f"Lip-sync: the Wav2Lip model is unavailable ({problem}), so faces are not "
                f"lip-synced (`filmstudio models download {WAV2LIP.name}` fetches it)."
            )
        return None
    log.use(STAGE, WAV2LIP.name)
    return model
