"""A recursive (IIR) filter run as its truncated impulse response, by FFT, over a stream.

The loudness meter's K-weighting is a stable fourth-order IIR filter whose impulse response
falls under 1e-10 of its total within a fifth of a second; convolving with that many taps by
overlap-save FFT gives the recursive filter's output within 1e-10, chunk after chunk,
and is faster than a sample-by-sample recursion (scipy's lfilter, whose import costs a render
process about 80 MB).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

TAIL_TOLERANCE = 1e-10
"""The impulse response is cut where what follows sums (in absolute value) to under this share
of the whole."""
MAX_IMPULSE_S = 0.5
"""Longest impulse response computed (a filter ringing longer is refused)."""
QUIET_CHECK = 1024
"""Every this many samples the recursion checks whether the response has died out."""
QUIET_MARGIN = 1e-3
"""The last QUIET_CHECK samples must be this far under the tail tolerance to stop early (the
tail of a decaying response is then far below it too)."""
FFT_PER_TAPS = 8
"""Longest FFT per filter tap: about 7/8 of each full transform's outputs are kept."""
MIN_FFT = 1024
"""Shortest FFT; a short chunk (or a chunk's last part) is convolved with the shortest power
of two that holds it and the taps, not with the longest transform."""


def impulse_response(
    b: npt.ArrayLike, a: npt.ArrayLike, sample_rate: int
) -> npt.NDArray[np.float64]:
    """The impulse response of the filter b/a (a[0] != 0), cut where its tail is negligible;
    ValueError when it has not died out within MAX_IMPULSE_S."""
    numerator = np.asarray(b, dtype=np.float64)
    denominator = np.asarray(a, dtype=np.float64)
    numerator, denominator = numerator / denominator[0], denominator / denominator[0]
    feedback = [float(value) for value in denominator[1:]]
    past = [0.0] * len(feedback)
    values: list[float] = []
    total = 0.0
    for index in range(math.ceil(MAX_IMPULSE_S * sample_rate)):
        value = float(numerator[index]) if index < len(numerator) else 0.0
        value -= sum(weight * earlier for weight, earlier in zip(feedback, past, strict=True))
        values.append(value)
        total += abs(value)
        past = [value, *past[:-1]] if past else past
        if index % QUIET_CHECK == QUIET_CHECK - 1 and _quiet(values, total):
            break
    response = np.array(values)
    tail = np.cumsum(np.abs(response)[::-1])[::-1]
    negligible = np.flatnonzero(tail < TAIL_TOLERANCE * tail[0])
    if len(negligible) == 0:
        raise ValueError("The filter's impulse response does not die out; it cannot be truncated.")
    return response[: max(1, int(negligible[0]))]


def _quiet(values: list[float], total: float) -> bool:
    """Whether the last QUIET_CHECK values are so small that what follows cannot matter."""
    recent = sum(abs(value) for value in values[-QUIET_CHECK:])
    return recent < TAIL_TOLERANCE * total * QUIET_MARGIN


class StreamingFir:
    """Convolves (n, channels) chunks with fixed taps, carrying the history between chunks."""

    def __init__(self, taps: npt.NDArray[np.float64], channels: int) -> None:
        self._taps = len(taps)
        self._coefficients = np.asarray(taps, dtype=np.float64)
        self._fft = _fft_length(FFT_PER_TAPS * self._taps)
        self._step = self._fft - self._taps + 1
        self._spectra: dict[int, npt.NDArray[np.complex128]] = {}
        self._history = np.zeros((channels, self._taps - 1))

    def _spectrum(self, size: int) -> npt.NDArray[np.complex128]:
        spectrum = self._spectra.get(size)
        if spectrum is None:
            spectrum = self._spectra[size] = np.fft.rfft(self._coefficients, size)
        return spectrum

    def filter(self, chunk: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        """The next (n, channels) samples filtered (one channel at a time, to keep the
        temporary memory small)."""
        samples = np.asarray(chunk)
        count = samples.shape[0]
        out = np.empty((count, samples.shape[1]))
        keep = self._taps - 1
        for channel in range(samples.shape[1]):
            joined = np.concatenate([self._history[channel], samples[:, channel]])
            for start in range(0, count, self._step):
                size = min(self._step, count - start)
                segment = joined[start : start + size + keep]
                fft = min(self._fft, _fft_length(size + keep))
                spectrum = np.fft.rfft(segment, fft)
                spectrum *= self._spectrum(fft)
                out[start : start + size, channel] = np.fft.irfft(spectrum, fft)[keep : keep + size]
            self._history[channel] = joined[len(joined) - keep :]
        return out


def _fft_length(samples: int) -> int:
    """The shortest power of two, at least MIN_FFT, that holds samples."""
    return max(MIN_FFT, 1 << math.ceil(math.log2(max(1, samples))))
