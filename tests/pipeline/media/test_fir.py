"""pipeline.media.fir runs a recursive filter as its truncated impulse response, chunk after
chunk, with scipy's lfilter as the reference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from pipeline.media.fir import StreamingFir, impulse_response
from pipeline.media.loudness import k_weighting


@pytest.mark.parametrize("rate", [16_000, 44_100, 48_000])
def test_k_weighting_in_chunks_matches_lfilter(rate: int) -> None:
    b, a = k_weighting(rate)
    audio = np.random.default_rng(rate).normal(0, 0.2, (rate * 3, 2))
    fir = StreamingFir(impulse_response(b, a, rate), 2)
    pieces = [fir.filter(audio[start : start + 7_777]) for start in range(0, len(audio), 7_777)]
    expected = signal.lfilter(b, a, audio, axis=0)
    assert np.abs(np.concatenate(pieces) - expected).max() < 1e-9


def test_the_impulse_response_is_cut_where_it_dies_out() -> None:
    b, a = k_weighting(48_000)
    taps = impulse_response(b, a, 48_000)
    impulse = np.zeros(len(taps) * 4)
    impulse[0] = 1.0
    full = signal.lfilter(b, a, impulse)
    assert np.allclose(taps, full[: len(taps)])
    assert np.abs(full[len(taps) :]).sum() < 1e-9 * np.abs(full).sum()
    assert len(taps) < 48_000 // 5


def test_a_filter_that_rings_on_is_refused() -> None:
    with pytest.raises(ValueError, match="does not die out"):
        impulse_response([1.0], [1.0, -0.99999999], 8_000)
