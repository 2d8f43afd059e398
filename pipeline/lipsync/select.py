"""Whether speaking faces are lip-synced, and by which model.

auto prefers MuseTalk 1.5 (weights free for commercial use) when its three parts are in
MODEL_DIR/musetalk, then Wav2Lip (non-commercial: refused under COMMERCIAL_USE_ONLY), then
no lip-sync; "musetalk" and "wav2lip" ask for one model and say why when it cannot serve.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.musetalk import MuseTalkModel, load_or_raise
from pipeline.lipsync.musetalk_model import missing_files as musetalk_missing
from pipeline.lipsync.wav2lip import Wav2LipModel
from pipeline.neural.fallback import BackendLog
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.onnx import onnx_providers
from pipeline.neural.registry import (
    MUSETALK_SPECS,
    MUSETALK_UNET,
    WAV2LIP,
    missing_files,
    model_path,
)
from pipeline.vocabulary import LipSyncBackend

STAGE = "lipsync"
NO_LIPSYNC = "none"
"""render.json's name for "no lip-sync"."""

MUSETALK_DOWNLOAD = "`filmstudio models download 'musetalk-*'`"

LipSyncModel = Wav2LipModel | MuseTalkModel
"""A loaded lip-sync model; pipeline.lipsync.sync runs either."""

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
) -> LipSyncModel | None:
    """The lip-sync model the choice asks for (auto: MuseTalk, then Wav2Lip) when it is
    allowed and loads; else None with a warning (for auto, only when always_warn: a job that
    asked for lip-sync, or when weights are there but refused or broken)."""
    if backend == "none":
        log.use(STAGE, NO_LIPSYNC)
        if always_warn:
            log.warn("Lip-sync is switched off on this server (LIPSYNC_BACKEND=none).")
        return None
    musetalk_problem = ""
    if backend in ("auto", "musetalk"):
        model, musetalk_problem = _musetalk(
            backend, model_dir, device, log, always_warn, commercial_only
        )
        if model is not None or backend == "musetalk":
            log.use(STAGE, MUSETALK_UNET.name if model is not None else NO_LIPSYNC)
            return model
    return _wav2lip(backend, model_dir, device, log, always_warn, commercial_only, musetalk_problem)


def _musetalk(
    backend: LipSyncBackend,
    model_dir: Path | None,
    device: str | None,
    log: BackendLog,
    always_warn: bool,
    commercial_only: bool,
) -> tuple[MuseTalkModel | None, str]:
    """MuseTalk when allowed, complete and loadable; else None and why not."""
    loud = backend == "musetalk" or always_warn
    refused = [spec for spec in MUSETALK_SPECS if is_refused(spec, commercial_only)]
    if refused:
        log.warn(refusal("Lip-sync", refused[0], "MuseTalk is not used"))
        return None, f"{refused[0].name} is refused"
    if model_dir is None:
        problem = "MODEL_DIR is not set"
    else:
        folder = model_path(MUSETALK_UNET, model_dir)
        missing = musetalk_missing(folder)
        if not missing:
            try:
                return load_or_raise(folder, device), ""
            except BackendUnavailableError as error:
                log.warn(
                    f"Lip-sync: MuseTalk is installed but cannot run here "
                    f"({str(error).rstrip('.')}), so it is not used."
                )
                return None, "its weights do not load"
        problem = f"{', '.join(missing[:3])} is not in {folder}"
    if backend == "musetalk" and loud:
        log.warn(
            f"Lip-sync: MuseTalk is unavailable ({problem}), so faces are not lip-synced "
            f"({MUSETALK_DOWNLOAD} fetches it)."
        )
    return None, problem


def _wav2lip(
    backend: LipSyncBackend,
    model_dir: Path | None,
    device: str | None,
    log: BackendLog,
    always_warn: bool,
    commercial_only: bool,
    musetalk_problem: str,
) -> Wav2LipModel | None:
    """Wav2Lip when allowed and loadable; else None, said when loud or the weights exist."""
    loud = backend == "wav2lip" or always_warn
    if is_refused(WAV2LIP, commercial_only):
        log.use(STAGE, NO_LIPSYNC)
        present = model_dir is not None and not missing_files(WAV2LIP, model_dir)
        if present or (loud and not (backend == "auto" and musetalk_problem)):
            log.warn(refusal("Lip-sync", WAV2LIP, "faces are not lip-synced"))
        elif loud:
            log.warn(
                f"Lip-sync: MuseTalk is unavailable ({musetalk_problem}) and "
                "COMMERCIAL_USE_ONLY refuses Wav2Lip's non-commercial weights, so faces are not "
                f"lip-synced ({MUSETALK_DOWNLOAD} fetches MuseTalk 1.5)."
            )
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
        if loud and backend == "auto" and musetalk_problem:
            log.warn(
                f"Lip-sync: no lip-sync model is available (MuseTalk: {musetalk_problem}; "
                f"Wav2Lip: {problem}), so faces are not lip-synced ({MUSETALK_DOWNLOAD} "
                "fetches MuseTalk 1.5, which allows commercial use)."
            )
        elif loud:
            log.warn(
                f"Lip-sync: the Wav2Lip model is unavailable ({problem}), so faces are not "
                f"lip-synced (`filmstudio models download {WAV2LIP.name}` fetches it)."
            )
        return None
    log.use(STAGE, WAV2LIP.name)
    return model
