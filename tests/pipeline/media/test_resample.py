"""pipeline.media.resample gives scipy.signal.resample_poly's output (its default filter)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from pipeline.media.resample import resample_poly

RATIOS = [(2, 1), (1, 2), (320, 147), (147, 320), (4, 1), (1, 3), (160, 441), (3, 2), (10, 15)]


@pytest.mark.parametrize(("up", "down"), RATIOS)
@pytest.mark.parametrize("length", [1, 7, 100, 4_001])
def test_matches_scipy_in_length_and_value(up: int, down: int, length: int) -> None:
    samples = np.random.default_rng(length).normal(0, 0.3, length).astype(np.float32)
    expected = signal.resample_poly(samples, up, down)
    resampled = resample_poly(samples, up, down)
    assert resampled.dtype == np.float32
    assert resampled.shape == expected.shape
    assert np.abs(resampled - expected).max() < 2e-6
    wide = samples.astype(np.float64)
    assert (
        np.abs(resample_poly(wide, up, down) - signal.resample_poly(wide, up, down)).max() < 1e-12
    )


def test_resamples_along_the_given_axis_of_stereo() -> None:
    stereo = np.random.default_rng(3).normal(0, 0.3, (3_000, 2)).astype(np.float32)
    assert np.allclose(
        resample_poly(stereo, 4, 1, axis=0), signal.resample_poly(stereo, 4, 1, axis=0), atol=2e-6
    )
    assert np.allclose(
        resample_poly(stereo.T, 3, 2, axis=1),
        signal.resample_poly(stereo.T, 3, 2, axis=1),
        atol=2e-6,
    )


def test_equal_rates_copy_and_bad_factors_are_refused() -> None:
    samples = np.arange(5, dtype=np.float32)
    copied = resample_poly(samples, 3, 3)
    assert np.array_equal(copied, samples) and copied is not samples
    with pytest.raises(ValueError, match="positive"):
        resample_poly(samples, 0, 1)


def test_a_tone_keeps_its_frequency_and_level() -> None:
    rate_in, rate_out = 22_050, 48_000
    time = np.arange(rate_in) / rate_in
    tone = (0.5 * np.sin(2 * np.pi * 1_000 * time)).astype(np.float32)
    out = resample_poly(tone, 320, 147)
    spectrum = np.abs(np.fft.rfft(out[4_800:-4_800]))
    peak_hz = np.argmax(spectrum) * rate_out / len(out[4_800:-4_800])
    assert peak_hz == pytest.approx(1_000, abs=2)
    assert float(np.abs(out[4_800:-4_800]).max()) == pytest.approx(0.5, abs=0.01)
