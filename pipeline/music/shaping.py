"""Shaping shared by the neural music backends (MusicGen, ACE-Step): the film rate, the
loudness match toward the procedural styles' level, crossfades between generated windows,
and the re-cut into chunks of an exact total length with the track's fades.

A backend yields loudness-matched stereo segments at the film rate that add up to at least
the track's length; exact_chunks turns them into the chunks the mix reads.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from pipeline.errors import InputError
from pipeline.media.loudness import integrated_lufs
from pipeline.media.resample import resample_poly
from pipeline.media.running import running_mean, running_min
from pipeline.types import AudioArray

MUSIC_TARGET_LUFS = -20.0
"""Integrated loudness of the generated music: that of the procedural default styles
(measured -20 to -21 LUFS), so switching backend leaves the mix's music level unchanged."""
PEAK_CEILING = 10 ** (-1.0 / 20)
"""Sample peak ceiling of the music (-1 dBFS)."""
MAX_GAIN_DB = 24.0
"""Largest boost or cut the loudness match applies to a window."""
GAIN_RAMP_S = 1.0
"""Time over which a new window's gain glides from the previous one (no audible step)."""
FADE_IN_S = 0.05
FADE_OUT_S = 2.0
"""Fades at the very start and end of the track (the end fade is at most a tenth of it)."""
LIMITER_WINDOW_S = 0.005
"""Attack/release width of the peak limiter that catches peaks the gain glide would push over."""
MIN_MEASURE_S = 0.4
"""Shortest audio whose loudness can be measured (one BS.1770 gating block)."""

FloatArray = npt.NDArray[np.float32]


def window_seed(seed: int, window: int) -> int:
    """The torch seed of one window, derived from the track seed (recorded seeds reproduce it)."""
    return int(np.random.SeedSequence([seed, window]).generate_state(1)[0])


def to_film_rate(window: FloatArray, ratio: Fraction) -> FloatArray:
    """(channels, n) at the model rate -> (n * ratio, 2) at the film rate."""
    resampled = (
        resample_poly(window, ratio.numerator, ratio.denominator, axis=1) if ratio != 1 else window
    )
    stereo = np.repeat(resampled, 2, axis=0) if resampled.shape[0] == 1 else resampled[:2]
    return np.ascontiguousarray(stereo.T, dtype=np.float32)


def linear_crossfade(outgoing: FloatArray, incoming: FloatArray) -> FloatArray:
    """Crossfade with gains summing to one, for two renderings of the same music (correlated):
    equal-gain keeps the level where equal-power would bump it by up to 3 dB."""
    n = min(len(outgoing), len(incoming))
    fade_in = ((np.arange(n, dtype=np.float32) + 0.5) / n)[:, None]
    return (outgoing[:n] * (1 - fade_in) + incoming[:n] * fade_in).astype(np.float32)


def equal_power_crossfade(outgoing: FloatArray, incoming: FloatArray) -> FloatArray:
    """Crossfade with squared gains summing to one, for two independent pieces of music
    (uncorrelated): their powers add, so the level holds through the join."""
    n = min(len(outgoing), len(incoming))
    angle = ((np.arange(n, dtype=np.float64) + 0.5) / n * (np.pi / 2))[:, None]
    mixed = outgoing[:n] * np.cos(angle) + incoming[:n] * np.sin(angle)
    return mixed.astype(np.float32)


class LoudnessMatcher:
    """Gain per window toward a loudness target, glided from the previous window's gain."""

    def __init__(self, sample_rate: int, target_lufs: float) -> None:
        self._rate = sample_rate
        self._target = target_lufs
        self.gain: float | None = None

    def window_gain(self, audio: FloatArray) -> float:
        """Linear gain that brings this window to the target, capped by the peak ceiling."""
        gain = self.gain if self.gain is not None else 1.0
        if len(audio) >= MIN_MEASURE_S * self._rate:
            loudness = integrated_lufs(audio, self._rate)
            if math.isfinite(loudness):
                change_db = float(np.clip(self._target - loudness, -MAX_GAIN_DB, MAX_GAIN_DB))
                gain = 10 ** (change_db / 20)
        peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
        if peak * gain > PEAK_CEILING:
            gain = PEAK_CEILING / peak
        return gain

    def apply(self, audio: FloatArray) -> FloatArray:
        """audio with this window's gain, glided from the last gain and peak-limited."""
        target = self.window_gain(audio)
        start = self.gain if self.gain is not None else target
        ramp = min(len(audio), round(GAIN_RAMP_S * self._rate))
        curve = np.full(len(audio), target, dtype=np.float32)
        curve[:ramp] = np.linspace(start, target, ramp, dtype=np.float32)
        self.gain = target
        return limit_peaks(audio * curve[:, None], round(LIMITER_WINDOW_S * self._rate))


def limit_peaks(audio: FloatArray, window: int) -> FloatArray:
    """Smoothly pull samples above the peak ceiling down (a look-ahead limiter in one pass):
    the needed reduction is spread by a minimum filter then smoothed by a moving average of
    the same width, so the smoothed gain never exceeds what any sample needs."""
    if len(audio) == 0:
        return audio.astype(np.float32)
    peaks = np.max(np.abs(audio), axis=1)
    if float(peaks.max()) <= PEAK_CEILING:
        return audio.astype(np.float32)
    needed = np.minimum(1.0, PEAK_CEILING / np.maximum(peaks, 1e-12))
    width = max(1, min(window, len(audio)))
    spread = running_min(needed, 2 * width + 1)
    smooth: FloatArray = np.minimum(running_mean(spread, width), needed)
    return (audio * smooth[:, None]).astype(np.float32)


def track_samples(duration_s: float, chunk_s: float, sample_rate: int) -> tuple[int, int]:
    """(samples in the track, samples a chunk) of a requested music track; InputError when
    either length is not positive."""
    if duration_s <= 0 or chunk_s <= 0:
        raise InputError("Music duration and chunk length must be positive.")
    return round(duration_s * sample_rate), max(1, round(chunk_s * sample_rate))


def exact_chunks(
    segments: Iterator[FloatArray], total: int, chunk: int, sample_rate: int, what: str
) -> Iterator[AudioArray]:
    """Re-cut segments into chunks of `chunk` samples (the last shorter), exactly total in all,
    with the track's fade-in and fade-out applied; `what` names the backend in the error
    raised when the segments fall short."""
    fade_in = min(total, round(FADE_IN_S * sample_rate))
    fade_out = min(total, round(min(FADE_OUT_S, total / sample_rate / 10) * sample_rate))
    buffer: list[FloatArray] = []
    buffered = 0
    position = 0
    for segment in segments:
        buffer.append(segment)
        buffered += len(segment)
        while buffered >= chunk or (buffered and buffered >= total - position):
            joined = np.concatenate(buffer)
            size = min(chunk, total - position)
            out, rest = joined[:size].copy(), joined[size:]
            index = np.arange(position, position + size)
            envelope = np.minimum(
                1.0,
                np.minimum(
                    (index + 0.5) / max(fade_in, 1), (total - index - 0.5) / max(fade_out, 1)
                ),
            )
            out *= envelope.astype(np.float32)[:, None]
            yield np.clip(out, -1.0, 1.0)
            position += size
            buffer, buffered = ([rest], len(rest)) if len(rest) else ([], 0)
            if position >= total:
                return
    if position < total:
        raise RuntimeError(f"{what} produced {position} of {total} samples.")
