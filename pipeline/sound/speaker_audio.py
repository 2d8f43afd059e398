"""One speaker's own lines over a stretch of the film, as one mono track (for lip movement)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from pipeline.media.resample import resample_poly
from pipeline.sound.clips import ClipStore
from pipeline.types import AudioArray, SpeechSpan, SpokenSentence


def speaker_audio(
    speech: Sequence[SpeechSpan],
    spoken: Mapping[int, SpokenSentence],
    clips: ClipStore | None,
    speaker: str | None,
    origin_s: float,
    length_s: float,
    default_rate: int,
) -> tuple[AudioArray, int]:
    """The speaker's lines that overlap [origin_s, origin_s + length_s), mixed into silence
    from origin_s, at the first line's sample rate (default_rate when there is none)."""
    lines = [
        span
        for span in speech
        if span.sentence.speaker == speaker
        and span.end_s > origin_s
        and span.start_s < origin_s + length_s
    ]
    rate = spoken[lines[0].sentence.index].sample_rate if lines else default_rate
    audio = np.zeros(math.ceil(length_s * rate), dtype=np.float32)
    for span in lines:
        clip = clip_audio(spoken, clips, span.sentence.index, rate)
        start = round((span.start_s - origin_s) * rate)
        first = max(0, -start)
        stop = min(len(clip), len(audio) - start)
        if stop > first:
            audio[start + first : start + stop] += clip[first:stop]
    return audio, rate


def clip_audio(
    spoken: Mapping[int, SpokenSentence], clips: ClipStore | None, sentence_index: int, rate: int
) -> AudioArray:
    """A sentence's samples (from the clip store when they were moved there) at rate."""
    clip = spoken[sentence_index]
    if clips is not None and sentence_index in clips:
        samples = clips.load(sentence_index)
    else:
        samples = np.asarray(clip.audio, dtype=np.float32)
    if clip.sample_rate != rate:
        common = math.gcd(clip.sample_rate, rate)
        samples = resample_poly(samples, rate // common, clip.sample_rate // common)
    return np.asarray(samples, dtype=np.float32)
