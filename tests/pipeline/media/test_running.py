"""pipeline.media.running matches scipy.ndimage's running filters (mode nearest / mirror)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from pipeline.media.running import running_mean, running_median, running_min


@pytest.mark.parametrize("length", [1, 2, 5, 100, 1_001])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 50, 2_000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_min_and_mean_match_scipy(length: int, size: int, dtype: type) -> None:
    samples = np.random.default_rng(length * size).normal(0, 1, length).astype(dtype)
    low = running_min(samples, size)
    assert low.dtype == samples.dtype
    assert np.array_equal(low, ndimage.minimum_filter1d(samples, size, mode="nearest"))
    mean = running_mean(samples, size)
    assert mean.dtype == samples.dtype
    tolerance = 1e-6 if dtype == np.float32 else 1e-12
    expected = ndimage.uniform_filter1d(samples, size, mode="nearest")
    assert np.allclose(mean, expected, atol=tolerance)


@pytest.mark.parametrize("size", [1, 3, 7])
def test_median_along_the_last_axis_matches_scipy(size: int) -> None:
    weights = np.random.default_rng(size).normal(0, 1, (3, 4, 40))
    expected = ndimage.median_filter(weights, size=(1, 1, size), mode="mirror")
    assert np.allclose(running_median(weights, size), expected)


def test_bad_sizes_and_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        running_min(np.zeros(4), 0)
    with pytest.raises(ValueError, match="1-D"):
        running_mean(np.zeros((2, 2)), 3)
