"""Background music for a film: a synthesised style or the creator's own track, in chunks.

Music is produced chunk by chunk (stereo float32) so no stage holds a whole film's audio.
Styles are synthesised in numpy (pipeline.music.synth): deterministic for a seed, identical
for any chunk size, click-free. A user's track is looped or trimmed (pipeline.music.track).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from pipeline.errors import InputError
from pipeline.music import synth
from pipeline.music.scores import SCORES
from pipeline.music.synth import fade_gain
from pipeline.types import AudioArray
from pipeline.vocabulary import MUSIC_STYLES, NO_MUSIC, STYLE_ALIASES

STYLES: tuple[str, ...] = (*MUSIC_STYLES, NO_MUSIC)
"""Built-in music choices, in display order ("sloka" is the devotional style)."""

FADE_IN_S = 2.0
FADE_OUT_S = 4.0
"""Fades of the synthesised music at the start and end of the film (at most a quarter each)."""

DEFAULT_CHUNK_S = 10.0


def canonical_style(style: str) -> str:
    """The style a name selects (aliases resolved); InputError for an unknown name."""
    key = style.strip().lower()
    if key not in STYLES:
        raise InputError(
            f"Music style {style!r} is not available; choose one of: {', '.join(STYLES)}."
        )
    return STYLE_ALIASES.get(key, key)


def music_chunks(
    style: str,
    duration_s: float,
    sample_rate: int,
    seed: int,
    chunk_s: float = DEFAULT_CHUNK_S,
) -> Iterator[AudioArray]:
    """Stereo float32 chunks of a synthesised style, exactly round(duration_s * sample_rate)
    samples in all. "none" gives silence. InputError for an unknown style."""
    key = canonical_style(style)
    total = round(duration_s * sample_rate)
    chunk = max(1, round(chunk_s * sample_rate))
    return _style_chunks(key, total, chunk, sample_rate, seed)


def _style_chunks(
    key: str, total: int, chunk: int, sample_rate: int, seed: int
) -> Iterator[AudioArray]:
    score = None if key == "none" else SCORES[key](seed)
    fade_in = min(round(FADE_IN_S * sample_rate), total // 4)
    fade_out = min(round(FADE_OUT_S * sample_rate), total // 4)
    for first in range(0, total, chunk):
        end = min(total, first + chunk)
        if score is None:
            yield np.zeros((end - first, 2), dtype=np.float32)
            continue
        block = synth.render(score, first, end, sample_rate)
        index = np.arange(first, end, dtype=np.int64)
        block *= fade_gain(index, total, fade_in, fade_out)[:, None]
        yield np.tanh(block).astype(np.float32)


def generate(style: str, duration_s: float, sample_rate: int, seed: int) -> AudioArray:
    """A whole piece in a style as one (n, 2) float32 array; for notebooks and previews."""
    parts = list(music_chunks(style, duration_s, sample_rate, seed))
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float32)
