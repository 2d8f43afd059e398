"""Whether image shots are animated by an image-to-video model or get Ken Burns moves."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import UnknownModelError
from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.registry import get_model, model_path
from pipeline.picture import image_to_video, wan_video
from pipeline.vocabulary import VideoBackend

STAGE = "video"
KEN_BURNS = "kenburns"
"""The default picture backend's name in render.json."""
_FALLBACK = "images get Ken Burns moves"
WAN_BACKEND = "wan-diffusers"
"""The registry backend of the Wan2.2 image-to-video models."""


def video_model_folder(
    backend: VideoBackend,
    video_model: str,
    model_dir: Path | None,
    log: BackendLog,
    commercial_only: bool = False,
) -> Path | None:
    """The image-to-video model's folder when chosen and complete, else None (Ken Burns)."""
    if backend != "svd":
        log.use(STAGE, KEN_BURNS)
        return None
    try:
        spec = get_model(video_model)
    except UnknownModelError as error:
        log.fall_back(
            STAGE, KEN_BURNS, f"Image-to-video: {error} Ken Burns moves are used instead."
        )
        return None
    if is_refused(spec, commercial_only):
        log.fall_back(STAGE, KEN_BURNS, refusal("Image-to-video", spec, _FALLBACK))
        return None
    download = f"`filmstudio models download {spec.name}` fetches it"
    if model_dir is None:
        message = no_model_dir(f"Image-to-video: {spec.name}", _FALLBACK, download)
        log.fall_back(STAGE, KEN_BURNS, message)
        return None
    folder = model_path(spec, model_dir)
    if spec.backend == WAN_BACKEND:
        missing = wan_video.missing_files(folder)
    else:
        missing = image_to_video.missing_files(folder)
    if missing:
        message = missing_weights(
            f"Image-to-video: the {spec.name}", folder, missing, _FALLBACK, download
        )
        log.fall_back(STAGE, KEN_BURNS, message)
        return None
    log.use(STAGE, spec.name)
    return folder
