"""BS.1770 loudness and true peak, measured in chunks."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest

from pipeline.media.loudness import LoudnessMeter, TruePeakMeter, gated_loudness, measure

RATE = 48_000


def _sine(frequency: float, seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    times = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * times)).astype(np.float32)


def test_full_scale_997_hz_sine_reads_minus_3_lufs() -> None:
    loudness, peak = measure(_sine(997, 5, 1.0), RATE)
    assert loudness == pytest.approx(-3.01, abs=0.05)
    assert peak == pytest.approx(0.0, abs=0.05)


@pytest.mark.parametrize("rate", [22_050, 44_100, 48_000])
def test_agrees_with_pyloudnorm_on_noise_and_tone(rate: int) -> None:
    rng = np.random.default_rng(4)
    seconds = 6
    noise = 0.1 * rng.standard_normal(seconds * rate)
    tone = _sine(440, seconds, 0.3, rate) * (np.arange(seconds * rate) < 2 * rate)
    stereo = np.stack([noise, tone], axis=1).astype(np.float32)
    ours, _peak = measure(stereo, rate)
    reference = pyloudnorm.Meter(rate).integrated_loudness(stereo.astype(np.float64))
    assert ours == pytest.approx(reference, abs=0.2)


def test_chunk_size_does_not_change_the_reading() -> None:
    rng = np.random.default_rng(1)
    audio = (0.2 * rng.standard_normal((RATE * 4, 2))).astype(np.float32)
    whole = LoudnessMeter(RATE, 2)
    whole.add(audio)
    pieces = LoudnessMeter(RATE, 2)
    peaks = TruePeakMeter(RATE)
    for start in range(0, len(audio), 7_777):
        pieces.add(audio[start : start + 7_777])
        peaks.add(audio[start : start + 7_777])
    assert pieces.integrated_lufs() == pytest.approx(whole.integrated_lufs(), abs=1e-9)
    assert np.allclose(pieces.subblock_energy, whole.subblock_energy)
    assert peaks.peak_dbtp() >= 20 * math.log10(float(np.abs(audio).max())) - 1e-6


def test_silence_is_minus_infinity_and_gating_ignores_quiet_parts() -> None:
    assert math.isinf(measure(np.zeros(RATE * 2, np.float32), RATE)[0])
    loud = _sine(997, 3, 0.5)
    with_silence = np.concatenate([loud, np.zeros(RATE * 6, np.float32)])
    reference = pyloudnorm.Meter(RATE).integrated_loudness(with_silence.astype(np.float64))
    assert measure(with_silence, RATE)[0] == pytest.approx(reference, abs=0.1)
    assert measure(with_silence, RATE)[0] == pytest.approx(measure(loud, RATE)[0], abs=0.3)
    assert gated_loudness(np.array([1e-9, 1e-9, 1e-9])) == -math.inf


def test_true_peak_finds_peaks_between_samples() -> None:
    samples = np.arange(4_800)
    quarter_rate = (0.5 * np.sin(2 * np.pi * samples / 4 + np.pi / 4)).astype(np.float32)
    sample_peak = 20 * math.log10(float(np.abs(quarter_rate).max()))
    meter = TruePeakMeter(RATE)
    meter.add(quarter_rate)
    assert sample_peak == pytest.approx(-9.03, abs=0.01)
    assert meter.peak_dbtp() == pytest.approx(-6.02, abs=0.1)
