"""Wav2Lip's mel spectrogram: shape, range, silence, tone placement, chunking, frame windows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from pipeline.lipsync import mel

RATE = mel.MEL_SAMPLE_RATE_HZ


def tone(freq_hz: float, seconds: float, rate: int = RATE, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def speechlike(seconds: float, rate: int, seed: int = 0) -> np.ndarray:
    """Noise bursts and tones with pauses: varied enough to exercise every mel bin."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * rate)) / rate
    envelope = (np.sin(2 * np.pi * 3 * t) > 0).astype(np.float64)
    voiced = 0.3 * np.sin(2 * np.pi * 180 * t) + 0.1 * np.sin(2 * np.pi * 2400 * t)
    return (envelope * (voiced + 0.05 * rng.standard_normal(len(t)))).astype(np.float32)


@pytest.mark.parametrize("n_samples", [0, 1, 150, 800, 16_000, 16_123])
def test_column_count_follows_the_centred_stft(n_samples: int) -> None:
    audio = np.zeros(n_samples, dtype=np.float32)
    spectrogram = mel.mel_spectrogram(audio, RATE)
    assert spectrogram.shape == (mel.N_MELS, 1 + n_samples // mel.HOP_LENGTH)
    assert spectrogram.dtype == np.float32


def test_eighty_columns_per_second_at_any_sample_rate() -> None:
    for rate in (16_000, 22_050, 44_100, 48_000):
        assert mel.mel_column_count(rate * 3, rate) == 1 + 3 * mel.MEL_STEPS_PER_SECOND


def test_digital_silence_is_finite_and_at_the_floor() -> None:
    spectrogram = mel.mel_spectrogram(np.zeros(RATE, dtype=np.float32), RATE)
    assert np.isfinite(spectrogram).all()
    assert (spectrogram == mel.SILENCE_VALUE).all()


def test_values_stay_in_the_symmetric_range_for_loud_and_tiny_signals() -> None:
    rng = np.random.default_rng(1)
    loud = np.sign(rng.standard_normal(RATE)).astype(np.float32)  # full-scale square noise
    tiny = (1e-12 * rng.standard_normal(RATE)).astype(np.float32)
    for audio in (loud, tiny):
        spectrogram = mel.mel_spectrogram(audio, RATE)
        assert np.isfinite(spectrogram).all()
        assert spectrogram.min() >= -mel.MAX_ABS_VALUE
        assert spectrogram.max() <= mel.MAX_ABS_VALUE
    assert mel.mel_spectrogram(loud, RATE).min() > mel.SILENCE_VALUE
    assert (mel.mel_spectrogram(tiny, RATE) == mel.SILENCE_VALUE).all()


def _slaney_mel(hz: float) -> float:
    return hz / (200 / 3) if hz < 1000 else 15 + np.log(hz / 1000) / (np.log(6.4) / 27)


@pytest.mark.parametrize("freq_hz", [300.0, 1000.0, 2500.0, 6000.0])
def test_a_tone_peaks_in_the_bin_centred_on_its_frequency(freq_hz: float) -> None:
    spectrogram = mel.mel_spectrogram(tone(freq_hz, 1.0), RATE)
    peak_bin = int(np.argmax(spectrogram[:, 20:-20].mean(axis=1)))
    edges = np.linspace(_slaney_mel(mel.FMIN_HZ), _slaney_mel(mel.FMAX_HZ), mel.N_MELS + 2)
    expected = int(np.argmin(np.abs(edges[1:-1] - _slaney_mel(freq_hz))))
    assert abs(peak_bin - expected) <= 1


@pytest.mark.parametrize("rate", [16_000, 44_100, 48_000])
@pytest.mark.parametrize(("first", "stop"), [(0, 7), (3, 40), (95, 140), (230, 260), (400, 420)])
def test_column_ranges_equal_the_whole_spectrogram(rate: int, first: int, stop: int) -> None:
    audio = speechlike(3.0, rate)
    whole = mel.mel_spectrogram(audio, rate)
    part = mel.mel_columns(audio, rate, first, stop)
    assert part.shape == (mel.N_MELS, stop - first)
    inside = max(0, min(stop, whole.shape[1]) - first)
    np.testing.assert_allclose(part[:, :inside], whole[:, first : first + inside], atol=1e-5)
    assert (part[:, inside:] == mel.SILENCE_VALUE).all()  # past the end: silence


def test_resampled_audio_gives_the_same_features() -> None:
    native = speechlike(2.0, RATE)
    upsampled = signal.resample_poly(native.astype(np.float64), 3, 1).astype(np.float32)
    a = mel.mel_spectrogram(native, RATE)
    b = mel.mel_spectrogram(upsampled, 48_000)
    assert a.shape == b.shape
    assert np.abs(a - b)[:, 2:-2].mean() < 0.02


def test_stereo_is_averaged_to_mono() -> None:
    left = tone(440, 0.5)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    half = (left / 2).astype(np.float32)
    np.testing.assert_allclose(
        mel.mel_spectrogram(stereo, RATE), mel.mel_spectrogram(half, RATE), atol=1e-5
    )


def test_frame_windows_start_at_frame_time_times_80() -> None:
    audio = speechlike(2.0, 48_000)
    whole = mel.mel_spectrogram(audio, 48_000)
    fps = 30.0
    windows = mel.frame_windows(audio, 48_000, fps, 10, 70)
    assert windows.shape == (60, 1, mel.N_MELS, mel.MEL_WINDOW_STEPS)
    assert windows.dtype == np.float32
    for row, frame in enumerate(range(10, 70)):
        start = int(frame * 80 / fps)
        expected = np.full((mel.N_MELS, 16), mel.SILENCE_VALUE, dtype=np.float32)
        available = whole[:, start : start + 16]
        expected[:, : available.shape[1]] = available
        np.testing.assert_allclose(windows[row, 0], expected, atol=1e-5)


def test_frames_after_the_audio_hear_silence() -> None:
    windows = mel.frame_windows(tone(200, 0.5), RATE, 25, 20, 30)
    assert (windows == mel.SILENCE_VALUE).all()


def test_matches_a_librosa_reference_when_librosa_is_installed() -> None:
    librosa = pytest.importorskip("librosa")
    audio = speechlike(1.5, RATE)
    emphasised = signal.lfilter([1, -mel.PREEMPHASIS], [1], audio)
    stft = librosa.stft(y=emphasised, n_fft=800, hop_length=200, win_length=800, pad_mode="reflect")
    basis = librosa.filters.mel(sr=RATE, n_fft=800, n_mels=80, fmin=55, fmax=7600)
    db = 20 * np.log10(np.maximum(1e-5, basis @ np.abs(stft))) - 20
    reference = np.clip(8 * ((db + 100) / 100) - 4, -4, 4)
    np.testing.assert_allclose(mel.mel_spectrogram(audio, RATE), reference, atol=1e-4)
