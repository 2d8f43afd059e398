"""Wav2Lip's 80-bin mel spectrogram in numpy/scipy, computed in column ranges.

The features match Wav2Lip's audio hparams: 16 kHz audio, pre-emphasis 0.97, a centred
STFT (n_fft 800, hop 200, Hann window 800, reflect padding), a Slaney mel filterbank
(80 bins, 55-7600 Hz), amplitude in dB minus 20 dB, normalised symmetrically to [-4, 4].
There are 80 mel columns per second, and each video frame looks at a window of 16 columns
starting at column int(frame_time_s * 80).

Columns can be computed for any range straight from the caller's audio (at any sample
rate), so a long film is processed window by window without holding its features.
"""

from __future__ import annotations

from functools import cache
from math import gcd

import numpy as np
import numpy.typing as npt

from pipeline.media.resample import resample_poly
from pipeline.types import AudioArray

MEL_SAMPLE_RATE_HZ = 16_000
"""Sample rate the features are computed at."""
N_FFT = 800
"""FFT length in samples at 16 kHz (50 ms)."""
HOP_LENGTH = 200
"""Hop between mel columns in samples at 16 kHz (12.5 ms)."""
WIN_LENGTH = 800
"""Analysis window length in samples at 16 kHz."""
PREEMPHASIS = 0.97
"""Coefficient of the pre-emphasis filter y[n] = x[n] - k x[n-1]."""
N_MELS = 80
"""Number of mel bins."""
FMIN_HZ = 55.0
"""Lowest filterbank frequency."""
FMAX_HZ = 7600.0
"""Highest filterbank frequency."""
REF_LEVEL_DB = 20.0
"""Reference level subtracted from the dB amplitude."""
MIN_LEVEL_DB = -100.0
"""Floor of the dB scale; quieter is clipped (so silence is finite)."""
MAX_ABS_VALUE = 4.0
"""Normalised features lie in [-MAX_ABS_VALUE, MAX_ABS_VALUE]."""

MEL_STEPS_PER_SECOND = MEL_SAMPLE_RATE_HZ // HOP_LENGTH
"""Mel columns per second of audio (80)."""
MEL_WINDOW_STEPS = 16
"""Mel columns in the window fed to Wav2Lip for one video frame (0.2 s)."""
SILENCE_VALUE = -MAX_ABS_VALUE
"""The normalised value of digital silence, used for columns past the end of the audio."""

_MIN_AMPLITUDE = 10.0 ** (MIN_LEVEL_DB / 20.0)
_CENTER_PAD = N_FFT // 2

FloatArray = npt.NDArray[np.float32]


def to_mono(audio: AudioArray) -> FloatArray:
    """Average a stereo (n, 2) array to mono; mono passes through as float32."""
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim == 2:
        return np.ascontiguousarray(samples.mean(axis=1, dtype=np.float32))
    if samples.ndim != 1:
        raise ValueError(f"Audio must have shape (n,) or (n, channels), not {samples.shape}.")
    return samples


def mel_column_count(n_samples: int, sample_rate: int) -> int:
    """How many mel columns the whole audio has (librosa's centred-STFT frame count)."""
    return 1 + _resampled_length(n_samples, sample_rate) // HOP_LENGTH


def mel_spectrogram(audio: AudioArray, sample_rate: int) -> FloatArray:
    """The whole normalised mel spectrogram, shape (80, columns), values in [-4, 4]."""
    samples = to_mono(audio)
    return mel_columns(samples, sample_rate, 0, mel_column_count(len(samples), sample_rate))


def mel_columns(audio: AudioArray, sample_rate: int, first: int, stop: int) -> FloatArray:
    """Normalised mel columns first..stop-1 of the audio, shape (80, stop - first).

    Columns past the end of the audio are silence; the result equals the same columns of
    mel_spectrogram() but only the audio those columns need is read and resampled.
    """
    if first < 0 or stop < first:
        raise ValueError(f"Invalid mel column range {first}..{stop}.")
    samples = to_mono(audio)
    total = mel_column_count(len(samples), sample_rate)
    out = np.full((N_MELS, stop - first), SILENCE_VALUE, dtype=np.float32)
    last = min(stop, total)
    if last > first:
        out[:, : last - first] = _compute_columns(samples, sample_rate, first, last)
    return out


def frame_window_start(frame_index: int, fps: float) -> int:
    """First mel column of the window for a video frame: int(frame time * 80 columns/s)."""
    return int(frame_index * MEL_STEPS_PER_SECOND / fps)


def frame_windows(
    audio: AudioArray, sample_rate: int, fps: float, first_frame: int, stop_frame: int
) -> FloatArray:
    """Wav2Lip's audio input for frames first..stop-1: shape (n, 1, 80, 16), float32."""
    count = stop_frame - first_frame
    if count <= 0:
        return np.zeros((0, 1, N_MELS, MEL_WINDOW_STEPS), dtype=np.float32)
    starts = [frame_window_start(i, fps) for i in range(first_frame, stop_frame)]
    base = starts[0]
    block = mel_columns(audio, sample_rate, base, starts[-1] + MEL_WINDOW_STEPS)
    windows = np.empty((count, 1, N_MELS, MEL_WINDOW_STEPS), dtype=np.float32)
    for row, start in enumerate(starts):
        windows[row, 0] = block[:, start - base : start - base + MEL_WINDOW_STEPS]
    return windows


def _resampled_length(n_samples: int, sample_rate: int) -> int:
    up, down = _ratio(sample_rate)
    return -(-n_samples * up // down)  # resample_poly's output length, ceil(n * up / down)


def _ratio(sample_rate: int) -> tuple[int, int]:
    if sample_rate <= 0:
        raise ValueError(f"Sample rate must be positive, not {sample_rate}.")
    common = gcd(MEL_SAMPLE_RATE_HZ, sample_rate)
    return MEL_SAMPLE_RATE_HZ // common, sample_rate // common


def _resampled_span(samples: FloatArray, sample_rate: int, start: int, stop: int) -> FloatArray:
    """Samples start..stop-1 (start >= 0) of the audio resampled to 16 kHz, zeros past its
    end; reads only the source audio those samples need plus the filter's margin."""
    wanted = stop - start
    stop = min(stop, _resampled_length(len(samples), sample_rate))
    if stop <= start:
        return np.zeros(wanted, dtype=np.float32)
    up, down = _ratio(sample_rate)
    if up == down:
        return np.pad(samples[start:stop], (0, wanted - (stop - start))).astype(np.float32)
    # resample_poly's default FIR has 10 * max(up, down) taps each side at the up-sampled
    # rate; read that much more source audio so the span equals a whole-signal resample.
    margin = 10 * max(up, down) // up + 2
    src_first = max((start * down // up - margin) // down * down, 0)  # a multiple of down
    src_stop = min(-(-stop * down // up) + margin, len(samples))
    piece = resample_poly(samples[src_first:src_stop].astype(np.float64), up, down)
    offset = src_first * up // down
    span = piece[start - offset : stop - offset]
    span = np.pad(span, (0, wanted - len(span)))  # zeros past the end of the signal
    return span.astype(np.float32)


def _compute_columns(samples: FloatArray, sample_rate: int, first: int, stop: int) -> FloatArray:
    length = _resampled_length(len(samples), sample_rate)
    # Column c covers 16 kHz samples c*hop - n_fft/2 .. c*hop + n_fft/2 - 1 of the signal
    # reflected about its first and last sample (librosa's centred STFT).
    positions = _reflect(
        np.arange(first * HOP_LENGTH - _CENTER_PAD, (stop - 1) * HOP_LENGTH + _CENTER_PAD),
        length,
    )
    need_lo, need_hi = int(positions.min()), int(positions.max()) + 1
    read_lo = max(need_lo - 1, 0)  # one earlier sample feeds the pre-emphasis filter
    raw = _resampled_span(samples, sample_rate, read_lo, need_hi).astype(np.float64)
    emphasised = raw.copy()
    emphasised[1:] -= PREEMPHASIS * raw[:-1]
    segment = emphasised[positions - read_lo]
    frames = np.lib.stride_tricks.sliding_window_view(segment, N_FFT)[::HOP_LENGTH]
    spectrum = np.abs(np.fft.rfft(frames * _window(), axis=1))
    mel = _mel_basis() @ spectrum.T
    db = 20.0 * np.log10(np.maximum(_MIN_AMPLITUDE, mel)) - REF_LEVEL_DB
    scaled = 2 * MAX_ABS_VALUE * ((db - MIN_LEVEL_DB) / -MIN_LEVEL_DB) - MAX_ABS_VALUE
    result: FloatArray = np.clip(scaled, -MAX_ABS_VALUE, MAX_ABS_VALUE).astype(np.float32)
    return result


def _reflect(indices: npt.NDArray[np.int64], length: int) -> npt.NDArray[np.int64]:
    """Fold sample indices into 0..length-1 by reflection about the end samples (np.pad's
    "reflect"); a signal shorter than two samples has only index 0."""
    if length < 2:
        return np.zeros_like(indices)
    period = 2 * (length - 1)
    folded = np.abs(indices) % period
    return np.where(folded >= length, period - folded, folded)


@cache
def _window() -> npt.NDArray[np.float64]:
    window: npt.NDArray[np.float64] = np.hanning(WIN_LENGTH + 1)[:-1]  # periodic Hann
    return window


@cache
def _mel_basis() -> npt.NDArray[np.float64]:
    """Slaney-scale, area-normalised triangular filters, shape (80, n_fft // 2 + 1)."""
    fft_freqs = np.linspace(0.0, MEL_SAMPLE_RATE_HZ / 2, N_FFT // 2 + 1)
    mel_points = np.linspace(_hz_to_mel(FMIN_HZ), _hz_to_mel(FMAX_HZ), N_MELS + 2)
    hz_points = np.array([_mel_to_hz(m) for m in mel_points])
    spacing = np.diff(hz_points)
    ramps = hz_points[:, None] - fft_freqs[None, :]
    basis = np.zeros((N_MELS, len(fft_freqs)))
    for i in range(N_MELS):
        rising = -ramps[i] / spacing[i]
        falling = ramps[i + 2] / spacing[i + 1]
        basis[i] = np.maximum(0.0, np.minimum(rising, falling))
    basis *= (2.0 / (hz_points[2:] - hz_points[:N_MELS]))[:, None]
    return basis


_F_SP = 200.0 / 3
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(hz: float) -> float:
    if hz < _MIN_LOG_HZ:
        return hz / _F_SP
    return float(_MIN_LOG_MEL + np.log(hz / _MIN_LOG_HZ) / _LOG_STEP)


def _mel_to_hz(mel: float) -> float:
    if mel < _MIN_LOG_MEL:
        return _F_SP * mel
    return float(_MIN_LOG_HZ * np.exp(_LOG_STEP * (mel - _MIN_LOG_MEL)))
