"""The worker's backend choice: Settings -> pipeline.backends.BackendChoice."""

from __future__ import annotations

from dataclasses import replace

from app.config import Settings
from pipeline.backends import BackendChoice
from pipeline.lipsync.wav2lip import LipSyncOptions
from pipeline.picture.image_to_video import VideoSettings


def backend_choice(settings: Settings) -> BackendChoice:
    """The backend of each stage as the settings choose, with weights under MODEL_DIR."""
    return BackendChoice(
        tts=settings.tts_backend,
        music=settings.music_backend,
        video=settings.video_backend,
        lipsync=settings.lipsync_backend,
        talking=settings.talking_backend,
        model_dir=settings.resolved_model_dir,
        device=None if settings.neural_device == "auto" else settings.neural_device,
        video_model=settings.video_model,
        soundfont=settings.music_soundfont,
        video_settings=replace(VideoSettings(), steps=settings.video_steps),
        lipsync_options=LipSyncOptions(detect_every=settings.lipsync_detect_every),
        commercial_only=settings.commercial_only,
    )
