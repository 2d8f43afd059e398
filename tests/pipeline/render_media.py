"""Small synthetic inputs for the renderer tests: textured pictures, speech-like clips, music.

Everything is generated in code (no files from outside), small and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.types import (
    FILM_SAMPLE_RATE_HZ,
    AudioArray,
    Frame,
    Sentence,
    Shot,
    SpeechSpan,
    SpokenSentence,
    Timeline,
)

SPEECH_RATE_HZ = 22_050


def textured_rgb(width: int, height: int, seed: int = 0) -> Frame:
    """A picture with smooth colour waves and fine detail (so motion is measurable)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    red = 128 + 90 * np.sin(xs / (9 + seed) + ys / 31)
    green = 128 + 90 * np.cos(ys / (7 + seed) - xs / 23)
    blue = 128 + 70 * np.sin((xs + ys) / 13)
    detail = rng.normal(0, 10, (height, width, 3))
    picture = np.dstack([red, green, blue]) + detail
    return np.clip(picture, 0, 255).astype(np.uint8)


def write_picture(
    path: Path, width: int = 480, height: int = 320, seed: int = 0, mode: str = "RGB"
) -> Path:
    """Save a textured picture in the format of path's extension, converted to mode."""
    image = Image.fromarray(textured_rgb(width, height, seed))
    if mode == "RGBA":
        image = image.convert("RGBA")
        alpha = Image.linear_gradient("L").resize(image.size)
        image.putalpha(alpha)
    elif mode != "RGB":
        image = image.convert(mode)
    image.save(path)
    return path


def solid_picture(
    path: Path, colour: tuple[int, int, int], width: int = 320, height: int = 180
) -> Path:
    """Save a one-colour PNG."""
    Image.new("RGB", (width, height), colour).save(path)
    return path


def speech_clip(duration_s: float, seed: int = 0, level: float = 0.5) -> AudioArray:
    """A voiced, syllable-like clip: a buzzy tone with a 4 Hz envelope and some breath noise."""
    rng = np.random.default_rng(seed)
    times = np.arange(round(duration_s * SPEECH_RATE_HZ)) / SPEECH_RATE_HZ
    envelope = np.abs(np.sin(2 * np.pi * 4 * times))
    voiced = np.sign(np.sin(2 * np.pi * 140 * times)) * 0.4 + np.sin(2 * np.pi * 280 * times) * 0.3
    breath = rng.normal(0, 0.1, len(times))
    return (level * envelope * (voiced + breath)).astype(np.float32)


def speech_timeline(
    duration_s: float, shots: tuple[Shot, ...], sentence_s: float = 1.2, gap_s: float = 0.6
) -> tuple[Timeline, list[SpokenSentence]]:
    """A timeline with speech-like sentences every sentence_s + gap_s seconds."""
    spoken: list[SpokenSentence] = []
    spans: list[SpeechSpan] = []
    start = 0.5
    index = 0
    while start + sentence_s < duration_s - 0.3:
        sentence = Sentence(index=index, scene_index=0, text=f"Sentence number {index}.")
        spoken.append(SpokenSentence(sentence, speech_clip(sentence_s, index), SPEECH_RATE_HZ))
        spans.append(SpeechSpan(sentence, start, start + sentence_s))
        start += sentence_s + gap_s
        index += 1
    return Timeline(duration_s, tuple(spans), shots), spoken


def music_chunks(
    duration_s: float, chunk_s: float = 1.5, level: float = 0.3
) -> Iterator[AudioArray]:
    """A two-note stereo pad in chunks, exactly duration_s long at 48 kHz."""
    total = round(duration_s * FILM_SAMPLE_RATE_HZ)
    step = round(chunk_s * FILM_SAMPLE_RATE_HZ)
    for start in range(0, total, step):
        times = (start + np.arange(min(step, total - start))) / FILM_SAMPLE_RATE_HZ
        left = level * (np.sin(2 * np.pi * 220 * times) + 0.5 * np.sin(2 * np.pi * 330 * times))
        right = level * (np.sin(2 * np.pi * 221 * times) + 0.5 * np.sin(2 * np.pi * 331 * times))
        yield np.stack([left, right], axis=1).astype(np.float32)
