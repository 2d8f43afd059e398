"""Running minimum and running mean over a 1-D signal, in numpy.

Both match scipy.ndimage's minimum_filter1d and uniform_filter1d with mode="nearest": a
window of `size` samples starting size // 2 before each sample, the signal's first and last
values repeated past its ends. (scipy.ndimage costs a render process about 26 MB to import.)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]


def _padded(samples: npt.ArrayLike, size: int) -> FloatArray:
    data = np.asarray(samples)
    if data.ndim != 1:
        raise ValueError("A running filter takes a 1-D signal.")
    if size < 1:
        raise ValueError("A running filter's size must be at least 1.")
    return np.pad(data, (size // 2, size - 1 - size // 2), mode="edge")


def running_mean(samples: npt.ArrayLike, size: int) -> FloatArray:
    """Mean of each `size`-sample window (summed in float64, returned in the input's dtype)."""
    data = np.asarray(samples)
    padded = _padded(data, size)
    sums = np.concatenate([[0.0], np.cumsum(padded, dtype=np.float64)])
    mean: FloatArray = (sums[size:] - sums[:-size]) / size
    return mean.astype(data.dtype if data.dtype.kind == "f" else np.float64)


def running_min(samples: npt.ArrayLike, size: int) -> FloatArray:
    """Minimum of each `size`-sample window (van Herk / Gil-Werman: about three comparisons a
    sample for any size)."""
    data = np.asarray(samples)
    padded = _padded(data, size)
    if size == 1 or len(data) == 0:
        return padded.copy()
    blocks = -(-len(padded) // size)
    spread = np.full(blocks * size, np.inf, dtype=padded.dtype)
    spread[: len(padded)] = padded
    grid = spread.reshape(blocks, size)
    from_start = np.minimum.accumulate(grid, axis=1).reshape(-1)
    to_end = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    count = len(data)
    result: FloatArray = np.minimum(to_end[:count], from_start[size - 1 : size - 1 + count])
    return result


def running_median(samples: npt.ArrayLike, size: int) -> FloatArray:
    """Median of each `size`-sample window along the last axis, the signal mirrored past its
    ends without repeating the edge sample (scipy.ndimage's median_filter, mode="mirror")."""
    data = np.asarray(samples)
    if size < 1:
        raise ValueError("A running filter's size must be at least 1.")
    edges = [(0, 0)] * (data.ndim - 1) + [(size // 2, size - 1 - size // 2)]
    padded = np.pad(data, edges, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=-1)
    result: FloatArray = np.median(windows, axis=-1).astype(data.dtype)
    return result
