"""The render report (render.json) and the warnings a render gives about its input."""

from __future__ import annotations

import math
import platform
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.media.probe import MediaFacts
from pipeline.picture.fonts import missing_font
from pipeline.sound.mix import MixReport
from pipeline.types import Sentence, VideoFormat

if TYPE_CHECKING:
    from pipeline.film_request import FilmRequest


def script_warnings(
    request: FilmRequest,
    characters: Sequence[tuple[str, Path]],
    sentences: Sequence[Sentence],
) -> list[str]:
    """Problems with the input that do not stop the render: missing fonts or characters."""
    warnings: list[str] = []
    script = missing_font(request.script)
    if script is not None:
        warnings.append(
            f"No {script} font is installed, so {script} text on title cards and burned-in "
            "subtitles shows as boxes (install fonts-noto-core)."
        )
    named = {name for name, _image in characters}
    speakers = sorted({s.speaker for s in sentences if s.speaker and s.speaker not in named})
    if speakers:
        warnings.append(
            f"No image matches the character(s) {', '.join(speakers)}; "
            "the scene's pictures show while they speak."
        )
    return warnings


def report_record(
    request: FilmRequest,
    fmt: VideoFormat,
    words_per_minute: int,
    duration_s: float,
    cue_count: int,
    mix: MixReport,
    facts: MediaFacts,
    stage_seconds: dict[str, float],
    total_s: float,
    warnings: Sequence[str],
) -> dict[str, Any]:
    """Everything render.json records: settings, seconds per stage, warnings, facts, levels."""
    video = facts.video
    audio = facts.audio
    return {
        "settings": {
            "voice": request.voice,
            "language": request.language,
            "duration_s": request.duration_s,
            "music": request.music.label,
            "aspect": request.aspect,
            "resolution": request.resolution,
            "width": fmt.width,
            "height": fmt.height,
            "fps": fmt.fps,
            "seed": request.seed,
            "burn_subtitles": request.burned_captions == "subtitles",
            "captions": request.burned_captions,
            "ai_label": request.ai_label,
            "preset": request.preset,
            "crf": request.crf,
            "words_per_minute": words_per_minute,
            "images": [image.name for image in request.images],
            "script_characters": len(request.script),
        },
        "stage_seconds": {name: round(value, 3) for name, value in stage_seconds.items()},
        "total_seconds": round(total_s, 3),
        "realtime_factor": round(duration_s / total_s, 2) if total_s > 0 else None,
        "warnings": list(warnings),
        "film": {
            "duration_s": round(duration_s, 3),
            "size_bytes": facts.size_bytes,
            "video": asdict(video) if video else None,
            "audio": asdict(audio) if audio else None,
            "faststart": facts.faststart,
            "subtitle_cues": cue_count,
        },
        "loudness": {
            "integrated_lufs": round(mix.integrated_lufs, 2),
            "true_peak_dbtp": round(mix.true_peak_dbtp, 2),
            "speech_lufs": round(mix.speech_lufs, 2),
            "music_lufs": round(mix.music_lufs, 2) if math.isfinite(mix.music_lufs) else None,
            "music_gain_db": round(mix.music_gain_db, 2)
            if math.isfinite(mix.music_gain_db)
            else None,
            "master_gain_db": round(mix.master_gain_db, 2),
            "limited_fraction": round(mix.limited_fraction, 5),
            "limiter_max_reduction_db": round(mix.max_reduction_db, 2),
        },
        "environment": {"python": platform.python_version()},
    }
