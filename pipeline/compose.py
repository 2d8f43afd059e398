"""Compose the film: mix its sound, then stream its frames with that sound into one MP4.

This is the last pipeline stage: narration (at the Timeline's speech positions) and music
are mixed in chunks (pipeline.mix), then the frames (pipeline.visuals) are drawn and
encoded together with the mix (pipeline.encode). Nothing holds the whole film.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.encode import STAGE as ENCODE_STAGE
from pipeline.encode import EncodeSettings, encode_frames
from pipeline.mix import STAGE as MIX_STAGE
from pipeline.mix import MixReport, SpeechTrack, mix_film_audio
from pipeline.models import (
    FILM_SAMPLE_RATE_HZ,
    AudioArray,
    Cue,
    ProgressCallback,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)
from pipeline.visuals import FilmFrames

STAGES = (MIX_STAGE, ENCODE_STAGE)
"""Progress stage names this module reports, in order."""


@dataclass(frozen=True)
class ComposeReport:
    """How composing went: the mix's levels, the frame count and seconds per stage."""

    mix: MixReport
    frames: int
    seconds: dict[str, float]


def compose_film(
    timeline: Timeline,
    spoken: Sequence[SpokenSentence],
    music: Iterable[AudioArray] | None,
    fmt: VideoFormat,
    out_path: Path,
    *,
    seed: int = 0,
    burn_in: Sequence[Cue] = (),
    settings: EncodeSettings | None = None,
    progress: ProgressCallback = no_progress,
    work_dir: Path | None = None,
) -> ComposeReport:
    """Mix and encode the film described by timeline into out_path (an MP4).

    spoken holds the narration of timeline.speech; music yields stereo chunks at 48 kHz (None
    for none); burn_in cues are drawn onto the picture. progress gets ("mix", f) then
    ("encode", f) and may raise to cancel (out_path is then removed).
    """
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="compose-", dir=work_dir) as scratch:
        folder = Path(scratch)
        audio_path = folder / "mix.f32"
        started = time.perf_counter()
        speech = SpeechTrack(spoken, timeline.speech, FILM_SAMPLE_RATE_HZ)
        mix = mix_film_audio(
            speech, music, timeline.duration_s, audio_path, folder, progress, FILM_SAMPLE_RATE_HZ
        )
        seconds[MIX_STAGE] = time.perf_counter() - started
        started = time.perf_counter()
        frames = FilmFrames(timeline, fmt, seed=seed, cues=burn_in)
        encode_frames(
            frames.render, frames.total_frames, fmt, out_path, audio_path, settings, progress
        )
        seconds[ENCODE_STAGE] = time.perf_counter() - started
    return ComposeReport(mix=mix, frames=frames.total_frames, seconds=seconds)
