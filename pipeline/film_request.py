"""What a film is made from, and the cheap checks made before any work starts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.backends import BackendChoice
from pipeline.errors import InputError
from pipeline.languages import get_language
from pipeline.media.encode import DEFAULT_CRF, DEFAULT_PRESET
from pipeline.music.choice import MusicChoice
from pipeline.picture.formats import video_format
from pipeline.speech import tts
from pipeline.storyboard import PreviousLayout
from pipeline.types import DEFAULT_FPS, VideoFormat
from pipeline.vocabulary import CAPTIONS

MAX_DURATION_S = 60 * 60.0
"""Longest film rendered (one hour)."""

MIN_SIDE_PX = 64
"""Smallest explicit frame side."""


@dataclass(frozen=True)
class FilmRequest:
    """Everything a film is made from."""

    script: str
    images: tuple[Path, ...] = ()
    voice: str = "neutral"
    language: str = "en"
    duration_s: float = 60.0
    music: MusicChoice = field(default_factory=lambda: MusicChoice(style="cinematic"))
    aspect: str = "16:9"
    resolution: str = "720p"
    fps: int = DEFAULT_FPS
    seed: int = 0
    burn_subtitles: bool = False
    ai_label: bool = False
    """Show the visible "AI-generated" badge over the film's first seconds."""
    preset: str = DEFAULT_PRESET
    crf: int = DEFAULT_CRF
    size: tuple[int, int] | None = None
    """An explicit (width, height), both even, overriding aspect and resolution (previews)."""
    music_prompt: str | None = None
    """Free text describing the music, for a neural music backend (with the style)."""
    backends: BackendChoice = field(default_factory=BackendChoice)
    """Which backend each AI stage uses (CPU defaults unless chosen; see pipeline.backends)."""
    captions: str | None = None
    """Text burned into the picture: "none", "subtitles" or "shorts" (pipeline.vocabulary);
    None follows burn_subtitles."""
    title: str | None = None
    """The film's title, shown over its first picture and on its end card (None: no cards)."""
    previous: PreviousLayout | None = None
    """The last render's scene layout (pipeline.storyboard.previous_layout of its render.json):
    scenes keep their place in the film where an edit allows (see pipeline.absorb)."""

    @property
    def burned_captions(self) -> str:
        """The captions drawn on the picture: captions, else "subtitles" when burn_subtitles."""
        if self.captions is not None:
            return self.captions
        return "subtitles" if self.burn_subtitles else "none"


def check_request(request: FilmRequest) -> VideoFormat:
    """Validate the cheap parts of a request (before any work); returns the frame format."""
    if not request.script.strip():
        raise InputError("The script is empty; write at least one sentence.")
    if not math.isfinite(request.duration_s) or request.duration_s <= 0:
        raise InputError("The film length must be more than zero minutes.")
    if request.duration_s > MAX_DURATION_S:
        raise InputError(f"The film length must be at most {MAX_DURATION_S / 60:.0f} minutes.")
    tts.check_voice(request.voice)
    get_language(request.language)
    request.music.check()
    if request.burned_captions not in CAPTIONS:
        raise InputError(
            f"Captions {request.captions!r} are not known; choose one of: {', '.join(CAPTIONS)}."
        )
    if request.fps <= 0:
        raise InputError("The frame rate must be positive.")
    fmt = video_format(request.aspect, request.resolution, request.fps)
    if request.size is None:
        return fmt
    width, height = request.size
    if width < MIN_SIDE_PX or height < MIN_SIDE_PX or width % 2 or height % 2:
        raise InputError(
            f"The frame size {width}x{height} must be even and at least {MIN_SIDE_PX} pixels a side."
        )
    return VideoFormat(width=width, height=height, fps=request.fps)
