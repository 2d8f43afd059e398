"""Which backend each AI stage uses: the CPU defaults or a neural model from MODEL_DIR.

A BackendChoice is a plain value the caller passes into the stages (the worker builds it
from its settings, a notebook writes it by hand); the pipeline never reads settings itself.
A chosen neural backend whose weights are missing is not an error: the stage falls back to
its default and says so (see pipeline.stage_backends).

Importing this module loads no model runtime.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from pipeline.backends.image_to_video import VideoSettings
from pipeline.backends.musicgen import MusicGenSettings
from pipeline.lipsync import LipSyncOptions

TtsBackend = Literal["espeak", "piper"]
MusicBackend = Literal["procedural", "musicgen"]
VideoBackend = Literal["kenburns", "svd"]
LipSyncBackend = Literal["auto", "none", "wav2lip"]
"""auto: Wav2Lip when its weights are in MODEL_DIR, else no lip-sync (without a warning)."""
DeviceChoice = Literal["auto", "cuda", "cpu"]

TTS_BACKENDS: tuple[str, ...] = get_args(TtsBackend)
MUSIC_BACKENDS: tuple[str, ...] = get_args(MusicBackend)
VIDEO_BACKENDS: tuple[str, ...] = get_args(VideoBackend)
LIPSYNC_BACKENDS: tuple[str, ...] = get_args(LipSyncBackend)

DEFAULT_VIDEO_MODEL = "svd-img2vid-xt"
"""The registry's image-to-video model used when none is named (25 frames a clip)."""
DETECT_EVERY_FRAMES = 3
"""Frames between face detections when lip-syncing a video (0.1 s at 30 fps)."""


@dataclass(frozen=True)
class BackendChoice:
    """The backend of each stage, where the weights are, and how the neural ones run.

    model_dir None means no weights anywhere: every neural choice falls back to its default.
    device None picks CUDA when a GPU is usable, else the CPU.
    """

    tts: TtsBackend = "espeak"
    music: MusicBackend = "procedural"
    video: VideoBackend = "kenburns"
    lipsync: LipSyncBackend = "auto"
    model_dir: Path | None = None
    device: str | None = None
    video_model: str = DEFAULT_VIDEO_MODEL
    """Registry name of the image-to-video model (svd-img2vid-xt or svd-img2vid)."""
    video_settings: VideoSettings = field(default_factory=VideoSettings)
    music_settings: MusicGenSettings = field(default_factory=MusicGenSettings)
    lipsync_options: LipSyncOptions = field(
        default_factory=lambda: LipSyncOptions(detect_every=DETECT_EVERY_FRAMES)
    )

    def chosen(self) -> dict[str, str]:
        """The choice per stage, as recorded in render.json."""
        return {
            "tts": self.tts,
            "music": self.music,
            "video": self.video,
            "lipsync": self.lipsync,
        }


CPU_DEFAULTS = BackendChoice(lipsync="none")
"""Every stage on its CPU default (espeak-ng, procedural music, Ken Burns, no lip-sync)."""
