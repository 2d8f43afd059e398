"""Speech compressor and true-peak limiter."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.media.loudness import TruePeakMeter, measure
from pipeline.sound.dynamics import compress_speech, limiter_gain
from pipeline.sound.mix import PEAK_CEILING_DBTP
from tests.pipeline.render_media import speech_clip

RATE = 48_000


def test_compressor_lowers_the_peak_to_loudness_ratio_of_speech() -> None:
    clip = speech_clip(2.0, seed=3)
    clip[10_000:10_400] *= 1.8  # a shouted syllable
    loudness, peak = measure(clip, 22_050)
    even = compress_speech(clip, 22_050)
    even_loudness, even_peak = measure(even, 22_050)
    assert len(even) == len(clip)
    assert (even_peak - even_loudness) < (peak - loudness) - 1.0
    assert np.all(np.abs(even) <= np.abs(clip) + 1e-6), "it only turns down"
    assert compress_speech(np.zeros(0, np.float32), 22_050).size == 0


def test_limiter_keeps_true_peaks_under_the_ceiling_smoothly() -> None:
    rng = np.random.default_rng(0)
    audio = (0.1 * rng.standard_normal((RATE, 2))).astype(np.float32)
    audio[24_000:24_100] *= 12.0  # a burst far over the ceiling
    ceiling = 10 ** (PEAK_CEILING_DBTP / 20)
    gain = limiter_gain(audio, ceiling, hold=1_200)
    limited = audio * gain[:, None]
    meter = TruePeakMeter(RATE)
    meter.add(limited[3_000:-3_000])
    assert meter.peak_dbtp() <= PEAK_CEILING_DBTP + 0.05
    assert gain[:20_000].min() == pytest.approx(1.0), "quiet parts are untouched"
    assert np.abs(np.diff(gain)).max() < 0.01, "the gain glides rather than jumps"
