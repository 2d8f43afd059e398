"""Rational resampling by a polyphase FIR filter, in numpy.

The filter and the alignment are those of scipy.signal.resample_poly with its default
window (a Kaiser-windowed sinc of 2 * 10 * max(up, down) + 1 taps, cut off at the lower of
the two Nyquist rates): output sample i sits at input position i * down / up and the result
has ceil(n * up / down) samples. Importing scipy.signal costs a render process about 80 MB,
so the film's sound path resamples here instead.

The work is one matrix product per block: each row of `up` outputs reads a window of
`down + taps / up` consecutive inputs, which is a strided view of the padded input.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

KAISER_BETA = 5.0
"""Kaiser window shape (scipy's default for resample_poly)."""
HALF_TAPS_PER_RATE = 10
"""Half the filter's length in units of max(up, down) (scipy's choice)."""
BLOCK_ELEMENTS = 1 << 19
"""Input-window elements gathered per matrix product (bounds the temporary memory)."""

FloatArray = npt.NDArray[np.floating[Any]]


@cache
def _phase_matrix(up: int, down: int) -> tuple[npt.NDArray[np.float64], int]:
    """(up, window) coefficients: row r holds the taps output r of a row of `up` outputs applies
    to the window's inputs; and how many inputs the window starts before t * down."""
    max_rate = max(up, down)
    half = HALF_TAPS_PER_RATE * max_rate
    cutoff = 1.0 / max_rate
    taps = (
        cutoff
        * np.sinc(cutoff * np.arange(-half, half + 1, dtype=np.float64))
        * np.kaiser(2 * half + 1, KAISER_BETA)
    )
    taps *= up / taps.sum()
    first = -(half // up)
    last = ((up - 1) * down + half) // up
    rows = np.arange(up)[:, None]
    positions = np.arange(first, last + 1)[None, :]
    offsets = rows * down - up * positions
    inside = np.abs(offsets) <= half
    matrix: npt.NDArray[np.float64] = np.where(
        inside, taps[np.clip(offsets + half, 0, 2 * half)], 0.0
    )
    return matrix, -first


def resample_poly(samples: npt.ArrayLike, up: int, down: int, axis: int = 0) -> FloatArray:
    """samples resampled by up / down along axis (float32 stays float32, else float64)."""
    data = np.asarray(samples)
    if up < 1 or down < 1:
        raise ValueError("Resampling factors must be positive integers.")
    divisor = math.gcd(up, down)
    up, down = up // divisor, down // divisor
    dtype = np.float32 if data.dtype == np.float32 else np.float64
    if up == down == 1:
        return data.astype(dtype, copy=True)
    moved = np.moveaxis(data, axis, -1)
    flat: FloatArray = moved.reshape(-1, moved.shape[-1]).astype(dtype, copy=False)
    rows = [_resample_row(row, up, down) for row in flat]
    out = rows[0][None, :] if len(rows) == 1 else np.stack(rows)
    out = out.reshape(*moved.shape[:-1], out.shape[-1])
    return np.moveaxis(out, -1, axis)


def _resample_row(row: FloatArray, up: int, down: int) -> FloatArray:
    """One 1-D signal resampled (up and down coprime)."""
    n_out = -(-len(row) * up // down)
    matrix, before = _phase_matrix(up, down)
    phases = matrix.astype(row.dtype).T
    window = matrix.shape[1]
    rows = -(-n_out // up)
    padded = np.zeros(before + (rows - 1) * down + window, dtype=row.dtype)
    padded[before : before + len(row)] = row[: len(padded) - before]
    out = np.empty(rows * up, dtype=row.dtype)
    step = max(1, BLOCK_ELEMENTS // window)
    item = padded.strides[0]
    for first in range(0, rows, step):
        count = min(step, rows - first)
        view = np.lib.stride_tricks.as_strided(
            padded[first * down :], shape=(count, window), strides=(down * item, item)
        )
        np.matmul(view, phases, out=out[first * up : (first + count) * up].reshape(count, up))
    return out[:n_out]
