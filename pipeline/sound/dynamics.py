"""Dynamics for the film's sound: a gentle speech compressor and a true-peak limiter.

Both are feed-forward and vectorised (numpy over whole blocks, no per-sample Python
loop): the needed gain is computed per sample, spread with a running minimum so it starts
falling before a peak arrives, then smoothed with running means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipeline.media.loudness import true_peak_per_sample
from pipeline.media.running import running_mean, running_min

FloatArray = npt.NDArray[np.float32]

COMPRESSOR_WINDOW_S = 0.005
"""RMS window of the speech compressor's level detector."""
COMPRESSOR_THRESHOLD_DB = 0.0
"""Compression starts at the sentence's voiced RMS level (measured over the window)."""
COMPRESSOR_RATIO = 4.0
COMPRESSOR_ATTACK_S = 0.005
"""The gain reaches a peak's reduction this long before it (look-ahead)."""
COMPRESSOR_RELEASE_S = 0.04
"""The gain recovers over about this long."""
VOICED_RANGE_DB = 40.0
"""Levels within this range of a sentence's loudest 10 ms count as voiced."""
SAFE_SAMPLE_PEAK_RATIO = 10 ** (-4 / 20)
"""Blocks whose sample peak is 4 dB under the limiter's ceiling skip it (inter-sample overs
of real audio stay well under that; the output's true peak is measured anyway)."""


def compress_speech(audio: FloatArray, sample_rate: int) -> FloatArray:
    """Even out a spoken clip (mono): peaks above its voiced level are turned down 4:1.

    Lowers the peak-to-loudness ratio of synthetic speech by a few dB, so the film reaches
    its loudness target with little work left for the peak limiter.
    """
    if len(audio) == 0:
        return audio
    samples = np.asarray(audio, dtype=np.float32)
    window = max(1, round(COMPRESSOR_WINDOW_S * sample_rate))
    power = running_mean(samples * samples, window)
    level_db = 10 * np.log10(np.maximum(power, 1e-12))
    voiced = level_db > level_db.max() - VOICED_RANGE_DB
    reference_db = 10 * np.log10(max(float(power[voiced].mean()), 1e-12))
    over_db = np.maximum(0.0, level_db - (reference_db + COMPRESSOR_THRESHOLD_DB))
    gain = (10 ** (-over_db * (1 - 1 / COMPRESSOR_RATIO) / 20)).astype(np.float32)
    attack = max(1, round(COMPRESSOR_ATTACK_S * sample_rate))
    release = max(1, round(COMPRESSOR_RELEASE_S * sample_rate))
    gain = running_min(gain, 2 * attack + 1)
    gain = running_mean(gain, release)
    result: FloatArray = (samples * gain).astype(np.float32)
    return result


@dataclass(frozen=True)
class Limited:
    """A limiter's per-sample gain and the true peak of the signal after that gain."""

    gain: FloatArray
    peaks: FloatArray | None
    """Per-sample true peak after the gain, or None where the block was far under the ceiling
    and skipped (then the gain is all ones)."""


def limit(samples: FloatArray, ceiling: float, hold: int) -> Limited:
    """Smooth per-sample gain that keeps the true peak of samples under ceiling (linear).

    The needed gain is spread by a running minimum over +-hold samples and then smoothed by
    two running means whose combined reach is also hold, so the smoothed gain never exceeds
    what any sample within reach needs. Callers give hold*2 samples of context on each side.
    """
    if float(np.max(np.abs(samples), initial=0.0)) < ceiling * SAFE_SAMPLE_PEAK_RATIO:
        return Limited(np.ones(len(samples), dtype=np.float32), None)
    peaks = true_peak_per_sample(samples)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float32)
    if float(needed.min()) >= 1.0:
        return Limited(needed, peaks)
    spread = running_min(needed, 2 * hold + 1)
    half = max(1, hold // 2)
    smooth = running_mean(spread, half + 1)
    smooth = running_mean(smooth, half + 1)
    gain: FloatArray = np.minimum(smooth, needed).astype(np.float32)
    # The gain moves slowly against the interpolation filter's reach, so the true peak after
    # it is the true peak before it times the gain.
    return Limited(gain, (peaks * gain).astype(np.float32))


def limiter_gain(samples: FloatArray, ceiling: float, hold: int) -> FloatArray:
    """Just the gain of limit()."""
    return limit(samples, ceiling, hold).gain
