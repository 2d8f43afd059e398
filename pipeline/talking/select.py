"""Whether speaking characters are made by InfiniteTalk (a moving, speaking character from
their image and their line), and from which folder.

TALKING_BACKEND=lipsync (the default) keeps the lip-sync path (MuseTalk, Wav2Lip or the CPU
talking still). TALKING_BACKEND=infinitetalk uses MODEL_DIR/infinitetalk when all three of
its parts are there and allowed; otherwise one sentence says why and speaking characters are
lip-synced as before. Importing this module loads no model runtime.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.talking_models import (
    INFINITETALK_ADAPTER,
    INFINITETALK_FOLDER,
    INFINITETALK_SPECS,
)
from pipeline.talking import model_files
from pipeline.vocabulary import TalkingBackend

STAGE = "talking"
LIPSYNC = "lipsync"
"""render.json's name for "speaking characters take the lip-sync path"."""
WHAT = "Talking characters (InfiniteTalk)"
FALLBACK = "speaking characters are lip-synced instead"
DOWNLOAD = (
    "`filmstudio models download infinitetalk-single chinese-wav2vec2-base` fetches its "
    "adapter and speech encoder; the Wan2.1 base comes whole with `huggingface-cli download`"
)


def infinitetalk_folder(
    backend: TalkingBackend, model_dir: Path | None, log: BackendLog, commercial_only: bool
) -> Path | None:
    """The InfiniteTalk folder when it is chosen, allowed and complete; else None (with a
    warning when it was chosen)."""
    if backend != "infinitetalk":
        return None
    refused = [spec for spec in INFINITETALK_SPECS if is_refused(spec, commercial_only)]
    if refused:
        log.fall_back(STAGE, LIPSYNC, refusal(WHAT, refused[0], FALLBACK))
        return None
    if model_dir is None:
        log.fall_back(STAGE, LIPSYNC, no_model_dir(WHAT, FALLBACK, DOWNLOAD))
        return None
    folder = model_dir / INFINITETALK_FOLDER
    missing = model_files.missing_files(folder)
    if missing:
        log.fall_back(STAGE, LIPSYNC, missing_weights(WHAT, folder, missing, FALLBACK, DOWNLOAD))
        return None
    log.use(STAGE, INFINITETALK_ADAPTER.name)
    return folder
