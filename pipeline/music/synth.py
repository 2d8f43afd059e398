"""Procedural background music: a score of notes per bar and wavetable instruments.

Everything is a function of absolute time. Each bar's notes come from a random generator
seeded with (seed, style, bar), and each note is rendered from its own start time with
envelopes that rise from and fall to zero, so any stretch of samples can be rendered on its
own: the music is deterministic for a seed, identical whatever the chunk size, and has no
clicks at chunk boundaries. Phases are computed analytically (vibrato and pitch drops
included), never accumulated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

TABLE_SIZE = 2048
"""Samples in one cycle of an instrument's wavetable."""

A4_HZ = 440.0
A4_MIDI = 69


def midi_hz(note: float) -> float:
    """Frequency of a MIDI note number (69 = A4 = 440 Hz)."""
    return A4_HZ * math.pow(2.0, (note - A4_MIDI) / 12.0)


def wavetable(harmonics: Sequence[float]) -> FloatArray:
    """One cycle (plus a wrap-around sample) of a sum of harmonics, peak-normalised."""
    phase = np.arange(TABLE_SIZE + 1) / TABLE_SIZE
    table = np.zeros(TABLE_SIZE + 1)
    for number, amplitude in enumerate(harmonics, start=1):
        if amplitude:
            table += amplitude * np.sin(2 * np.pi * number * phase)
    peak = float(np.max(np.abs(table)))
    return table / peak if peak > 0 else table


@dataclass(frozen=True)
class Instrument:
    """How a note sounds: wavetable(s), envelope, detuned copies, vibrato, pitch drop, noise.

    The envelope is a raised-cosine attack, an optional exponential decay (decay_s) and a
    raised-cosine release over the note's last release_s, so every note starts and ends at 0.
    table_late, when given, is crossfaded in as the note decays (a spectrum that mellows).
    """

    table: FloatArray
    attack_s: float
    release_s: float
    decay_s: float | None = None
    detune_cents: tuple[float, ...] = (0.0,)
    vibrato_hz: float = 0.0
    vibrato_depth: float = 0.0
    pitch_drop: float = 0.0
    pitch_drop_s: float = 0.05
    table_late: FloatArray | None = None
    noise: float = 0.0


@dataclass(frozen=True)
class Note:
    """One sounding note: when, how long (release included), pitch, level, stereo position."""

    start_s: float
    length_s: float
    freq_hz: float
    gain: float
    instrument: Instrument
    pan: float = 0.0


@dataclass(frozen=True)
class Score:
    """A style's music for one seed: bar length, longest note, and the notes of any bar."""

    bar_s: float
    max_note_s: float
    notes_in_bar: Callable[[int], list[Note]]
    gain: float
    seed: int = field(default=0)


def fade_gain(index: npt.NDArray[np.int64], total: int, fade_in: int, fade_out: int) -> FloatArray:
    """Raised-cosine fade-in over the first fade_in and fade-out over the last fade_out of
    total samples, evaluated at the given sample positions."""
    gain = np.ones(len(index))
    if fade_in > 0:
        rising = index < fade_in
        gain[rising] = 0.5 - 0.5 * np.cos(np.pi * (index[rising] + 0.5) / fade_in)
    if fade_out > 0:
        left = total - index
        falling = left <= fade_out
        gain[falling] *= 0.5 - 0.5 * np.cos(np.pi * (left[falling] - 0.5) / fade_out)
    return gain


# --- rendering -----------------------------------------------------------------------------


def render(score: Score, first: int, end: int, sample_rate: int) -> FloatArray:
    """Stereo samples [first, end) of the score (shape (end - first, 2), float64)."""
    out = np.zeros((end - first, 2))
    if end <= first:
        return out
    start_s, end_s = first / sample_rate, end / sample_rate
    first_bar = max(0, math.floor((start_s - score.max_note_s) / score.bar_s))
    last_bar = math.floor(end_s / score.bar_s)
    for bar in range(first_bar, last_bar + 1):
        for note in score.notes_in_bar(bar):
            _add_note(out, note, first, end, sample_rate, score.seed)
    out *= score.gain
    return out


def _add_note(
    out: FloatArray, note: Note, first: int, end: int, sample_rate: int, seed: int
) -> None:
    note_first = math.ceil(note.start_s * sample_rate)
    note_end = math.ceil((note.start_s + note.length_s) * sample_rate)
    low, high = max(first, note_first), min(end, note_end)
    if high <= low:
        return
    index = np.arange(low, high, dtype=np.int64)
    elapsed = index / sample_rate - note.start_s
    mono = _voice(note, elapsed, index, seed) * note.gain
    angle = (note.pan + 1.0) * math.pi / 4.0
    out[low - first : high - first, 0] += mono * math.cos(angle)
    out[low - first : high - first, 1] += mono * math.sin(angle)


def _voice(note: Note, elapsed: FloatArray, index: npt.NDArray[np.int64], seed: int) -> FloatArray:
    instrument = note.instrument
    envelope = _envelope(instrument, note.length_s, elapsed)
    sound = np.zeros_like(elapsed)
    for cents in instrument.detune_cents:
        freq = note.freq_hz * 2.0 ** (cents / 1200.0)
        cycles = _cycles(instrument, freq, elapsed)
        value = _lookup(instrument.table, cycles)
        if instrument.table_late is not None and instrument.decay_s:
            late = 1.0 - np.exp(-elapsed / instrument.decay_s)
            value = value * (1.0 - late) + _lookup(instrument.table_late, cycles) * late
        sound += value
    sound /= len(instrument.detune_cents)
    if instrument.noise:
        sound += instrument.noise * _hashed_noise_highpassed(index, seed)
    return sound * envelope


def _envelope(instrument: Instrument, length_s: float, elapsed: FloatArray) -> FloatArray:
    envelope = np.ones_like(elapsed)
    if instrument.attack_s > 0:
        rising = elapsed < instrument.attack_s
        envelope[rising] = 0.5 - 0.5 * np.cos(np.pi * elapsed[rising] / instrument.attack_s)
    if instrument.decay_s:
        envelope *= np.exp(-elapsed / instrument.decay_s)
    release = min(instrument.release_s, length_s)
    remaining = length_s - elapsed
    falling = remaining < release
    envelope[falling] *= 0.5 - 0.5 * np.cos(np.pi * np.maximum(remaining[falling], 0) / release)
    return envelope


def _cycles(instrument: Instrument, freq: float, elapsed: FloatArray) -> FloatArray:
    """Cycles completed since the note began: the integral of its (modulated) frequency."""
    cycles = freq * elapsed
    if instrument.vibrato_depth:
        rate = instrument.vibrato_hz
        cycles += (
            freq
            * instrument.vibrato_depth
            * (1.0 - np.cos(2 * np.pi * rate * elapsed))
            / (2 * np.pi * rate)
        )
    if instrument.pitch_drop:
        tau = instrument.pitch_drop_s
        cycles += freq * instrument.pitch_drop * tau * (1.0 - np.exp(-elapsed / tau))
    return cycles


def _lookup(table: FloatArray, cycles: FloatArray) -> FloatArray:
    position = (cycles - np.floor(cycles)) * TABLE_SIZE
    index = position.astype(np.int64)
    fraction = position - index
    return table[index] * (1.0 - fraction) + table[index + 1] * fraction


def _hashed_noise(index: npt.NDArray[np.int64], seed: int) -> FloatArray:
    """White noise in [-1, 1) that depends only on the sample index and seed (splitmix64)."""
    with np.errstate(over="ignore"):
        x = index.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed & 0xFFFF)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 52) - 1.0


def _hashed_noise_highpassed(index: npt.NDArray[np.int64], seed: int) -> FloatArray:
    """Hashed noise through a first difference: a bright hiss for cymbals and shakers."""
    noise = _hashed_noise(np.concatenate([index[:1] - 1, index]), seed)
    return 0.5 * np.diff(noise)


# --- instruments ---------------------------------------------------------------------------
