"""Short previews of the catalogue's music styles, synthesised by the renderer's own code."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from anyio import to_thread

from pipeline.music.styles import generate

PREVIEW_S = 12.0
"""Length of a preview in seconds."""

PREVIEW_SAMPLE_RATE = 32_000
PREVIEW_SEED = 7
PREVIEW_PEAK = 0.8
"""Previews are scaled to this peak (about -2 dBFS): films keep music well under the voice, a
preview is listened to on its own."""

INT16_MAX = 32_767
SILENT_STYLES = frozenset({"none"})

AudioPreview = tuple[int, np.ndarray]


@lru_cache(maxsize=16)
def _preview(style: str) -> AudioPreview:
    audio = generate(style, PREVIEW_S, PREVIEW_SAMPLE_RATE, PREVIEW_SEED)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 0:
        audio = audio * (PREVIEW_PEAK / peak)
    samples = np.round(np.clip(audio, -1.0, 1.0) * INT16_MAX).astype(np.int16)
    samples.setflags(write=False)
    return PREVIEW_SAMPLE_RATE, samples


async def music_preview(style: str) -> AudioPreview | None:
    """(sample rate, int16 stereo samples) of a style's opening seconds; None for no music."""
    if style in SILENT_STYLES:
        return None
    return await to_thread.run_sync(_preview, style)
