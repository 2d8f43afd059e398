"""Streaming loudness (ITU-R BS.1770-4 / EBU R128) and true-peak measurement.

Both meters take audio in chunks of any size and keep only a little state (filter memory and
one number per 100 ms), so a film of any length is measured in flat memory.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.media.fir import StreamingFir, impulse_response
from pipeline.media.resample import resample_poly

SUBBLOCK_S = 0.1
"""Gating blocks are 400 ms long and start every 100 ms (75 % overlap)."""
SUBBLOCKS_PER_BLOCK = 4
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LOUDNESS_OFFSET = -0.691
"""Constant of the BS.1770 loudness formula."""
SILENCE_LUFS = -math.inf

# K-weighting: a high shelf (head effects) then a high-pass (RLB curve); analog prototypes
# per BS.1770, made digital for any sample rate with the bilinear transform.
_SHELF_HZ = 1681.974450955533
_SHELF_GAIN_DB = 3.999843853973347
_SHELF_Q = 0.7071752369554196
_HIGHPASS_HZ = 38.13547087602444
_HIGHPASS_Q = 0.5003270373238773

TRUE_PEAK_RATE_HZ = 192_000
"""Oversampled rate for true-peak estimation (4x at 48 kHz, as BS.1770 asks)."""
_TRUE_PEAK_CONTEXT = 32
"""Input samples of context kept between chunks for the interpolation filter."""

Samples = npt.NDArray[np.floating[Any]]
"""Audio in any float precision, shape (n,) or (n, channels)."""

Coefficients = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def k_weighting(sample_rate: int) -> Coefficients:
    """The K-weighting filter (both stages combined) as (b, a) for sample_rate."""
    k = math.tan(math.pi * _SHELF_HZ / sample_rate)
    vh = 10 ** (_SHELF_GAIN_DB / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / _SHELF_Q + k * k
    shelf_b = np.array(
        [
            (vh + vb * k / _SHELF_Q + k * k) / a0,
            2 * (k * k - vh) / a0,
            (vh - vb * k / _SHELF_Q + k * k) / a0,
        ]
    )
    shelf_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / _SHELF_Q + k * k) / a0])
    k = math.tan(math.pi * _HIGHPASS_HZ / sample_rate)
    a0 = 1 + k / _HIGHPASS_Q + k * k
    high_b = np.array([1.0, -2.0, 1.0])
    high_a = np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / _HIGHPASS_Q + k * k) / a0])
    return np.convolve(shelf_b, high_b), np.convolve(shelf_a, high_a)


@cache
def k_weighting_taps(sample_rate: int) -> npt.NDArray[np.float64]:
    """The K-weighting filter's impulse response, cut where its tail is negligible
    (pipeline.media.fir), for sample_rate."""
    return impulse_response(*k_weighting(sample_rate), sample_rate)


def _channel_power(samples: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Sum over channels of each sample squared (column by column: fast for few channels)."""
    power = samples[:, 0] * samples[:, 0]
    for channel in range(1, samples.shape[1]):
        power += samples[:, channel] * samples[:, channel]
    return power


def _abs_max_per_row(samples: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Largest absolute value across channels for each sample."""
    peak: npt.NDArray[Any] = np.abs(samples[:, 0])
    for channel in range(1, samples.shape[1]):
        np.maximum(peak, np.abs(samples[:, channel]), out=peak)
    return peak


def _as_2d(audio: Samples) -> npt.NDArray[np.float64]:
    samples = np.asarray(audio, dtype=np.float64)
    return samples[:, None] if samples.ndim == 1 else samples


def gated_loudness(subblock_energy: npt.NDArray[np.float64]) -> float:
    """Integrated loudness (LUFS) from mean-square K-weighted energy per 100 ms sub-block.

    Energy is summed over channels (weight 1 for left/right/mono). -inf when all is silent.
    """
    energy = np.asarray(subblock_energy, dtype=np.float64)
    if len(energy) < SUBBLOCKS_PER_BLOCK:
        return SILENCE_LUFS
    window = np.ones(SUBBLOCKS_PER_BLOCK) / SUBBLOCKS_PER_BLOCK
    blocks = np.convolve(energy, window, mode="valid")
    with np.errstate(divide="ignore"):
        block_lufs = LOUDNESS_OFFSET + 10 * np.log10(blocks)
    above_absolute = blocks[block_lufs > ABSOLUTE_GATE_LUFS]
    if len(above_absolute) == 0:
        return SILENCE_LUFS
    relative_gate = (
        LOUDNESS_OFFSET + 10 * math.log10(float(above_absolute.mean())) + RELATIVE_GATE_LU
    )
    with np.errstate(divide="ignore"):
        kept = above_absolute[LOUDNESS_OFFSET + 10 * np.log10(above_absolute) > relative_gate]
    if len(kept) == 0:
        return SILENCE_LUFS
    return LOUDNESS_OFFSET + 10 * math.log10(float(kept.mean()))


class SubblockEnergy:
    """Mean of per-sample K-weighted power over each full 100 ms, fed in pieces of any size."""

    def __init__(self, sample_rate: int) -> None:
        self._subblock = round(SUBBLOCK_S * sample_rate)
        self._partial_energy = 0.0
        self._partial_count = 0
        self._energies: list[float] = []

    def add(self, power: npt.NDArray[np.float64]) -> None:
        """Feed the next samples' power (K-weighted, summed over channels)."""
        position = 0
        if self._partial_count:
            take = min(self._subblock - self._partial_count, len(power))
            self._partial_energy += float(power[:take].sum())
            self._partial_count += take
            position = take
            if self._partial_count == self._subblock:
                self._energies.append(self._partial_energy / self._subblock)
                self._partial_energy, self._partial_count = 0.0, 0
        whole = (len(power) - position) // self._subblock
        if whole:
            span = power[position : position + whole * self._subblock]
            self._energies.extend(span.reshape(whole, self._subblock).mean(axis=1).tolist())
            position += whole * self._subblock
        rest = power[position:]
        if len(rest):
            self._partial_energy += float(rest.sum())
            self._partial_count += len(rest)

    @property
    def energies(self) -> npt.NDArray[np.float64]:
        """One mean power per completed sub-block."""
        return np.array(self._energies, dtype=np.float64)


class LoudnessMeter:
    """Integrated loudness of audio fed in chunks: add(chunk) ..., then integrated_lufs().

    weigh() and the energy accumulator are also usable apart, to meter a signal and a
    reweighted copy of it (e.g. ducked music) with one filter pass.
    """

    def __init__(self, sample_rate: int, channels: int) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self._filter = StreamingFir(k_weighting_taps(sample_rate), channels)
        self.energy = SubblockEnergy(sample_rate)

    def weigh(self, chunk: Samples) -> npt.NDArray[np.float64]:
        """K-weight the next samples (filter state carries over) and return per-sample power
        summed over channels, without accumulating it."""
        samples = _as_2d(chunk)
        if samples.shape[1] != self.channels:
            raise ValueError(f"Expected {self.channels} channels, got {samples.shape[1]}.")
        if len(samples) == 0:
            return np.zeros(0)
        return _channel_power(self._filter.filter(samples))

    def add(self, chunk: Samples) -> None:
        """Feed the next samples, shape (n,) for mono or (n, channels)."""
        self.energy.add(self.weigh(chunk))

    @property
    def subblock_energy(self) -> npt.NDArray[np.float64]:
        """Mean-square K-weighted energy (summed over channels) of each full 100 ms sub-block."""
        return self.energy.energies

    def integrated_lufs(self) -> float:
        """Gated integrated loudness of everything fed so far (-inf for silence)."""
        return gated_loudness(self.subblock_energy)


class TruePeakMeter:
    """Highest inter-sample peak (dBTP) of audio fed in chunks, by 4x oversampling at 48 kHz."""

    def __init__(self, sample_rate: int) -> None:
        self.factor = max(1, math.ceil(TRUE_PEAK_RATE_HZ / sample_rate))
        self._tail: npt.NDArray[np.float32] | None = None
        self._peak = 0.0

    def add(self, chunk: Samples) -> None:
        """Feed the next samples, shape (n,) or (n, channels)."""
        samples = _as_2d(chunk).astype(np.float32)
        if len(samples) == 0:
            return
        self._peak = max(self._peak, float(np.max(np.abs(samples))))
        joined = samples if self._tail is None else np.concatenate([self._tail, samples])
        self._peak = max(self._peak, _interpolated_peak(joined, self.factor, _TRUE_PEAK_CONTEXT))
        self._tail = joined[-2 * _TRUE_PEAK_CONTEXT :]

    def peak_dbtp(self) -> float:
        """The true peak so far in dB relative to full scale (-inf for silence)."""
        return 20 * math.log10(self._peak) if self._peak > 0 else -math.inf


def _interpolated_peak(samples: npt.NDArray[np.float32], factor: int, context: int) -> float:
    """Peak of the oversampled signal, ignoring `context` samples at each edge."""
    if factor == 1 or len(samples) <= 2 * context:
        return float(np.max(np.abs(samples))) if len(samples) else 0.0
    upsampled = resample_poly(samples, factor, 1, axis=0)
    inner = upsampled[context * factor : (len(samples) - context) * factor]
    return float(np.max(np.abs(inner))) if len(inner) else 0.0


def true_peak_per_sample(samples: Samples, factor: int = 4) -> npt.NDArray[np.float32]:
    """For each input sample, the largest absolute value of it and the oversampled points just
    after it, across channels (edges are approximate; callers pad with context). One channel
    is oversampled at a time, in float32, to keep the temporary memory small."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    count = len(data)
    result: npt.NDArray[np.float32] = _abs_max_per_row(data)
    for channel in range(data.shape[1]):
        upsampled = resample_poly(np.ascontiguousarray(data[:, channel]), factor, 1)
        np.abs(upsampled, out=upsampled)
        phases = upsampled[: count * factor].reshape(count, factor)
        for phase in range(factor):
            np.maximum(result, phases[:, phase], out=result)
    return result


def integrated_lufs(audio: Samples, sample_rate: int) -> float:
    """Integrated loudness (LUFS) of a whole signal in memory (-inf for silence)."""
    samples = _as_2d(audio)
    meter = LoudnessMeter(sample_rate, samples.shape[1])
    meter.add(samples)
    return meter.integrated_lufs()


def measure(audio: Samples, sample_rate: int) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a whole signal in memory."""
    peak = TruePeakMeter(sample_rate)
    peak.add(audio)
    return integrated_lufs(audio, sample_rate), peak.peak_dbtp()
