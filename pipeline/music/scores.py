"""The music styles as scores: instruments, harmony and rhythm per style, one bar at a time.

Each style is a function of the seed that returns a Score for pipeline.music.synth to render.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from pipeline.music.synth import Instrument, Note, Score, midi_hz, wavetable

_SAW = [1.0 / k**1.2 for k in range(1, 14)]
_SOFT_SAW = [1.0 / k**1.8 for k in range(1, 10)]

STRING_PAD = Instrument(wavetable(_SAW), attack_s=1.4, release_s=1.6, detune_cents=(-5.0, 4.0))
WARM_PAD = Instrument(wavetable(_SOFT_SAW), attack_s=3.0, release_s=3.0, detune_cents=(-4.0, 3.0))
BASS = Instrument(wavetable([1.0, 0.45, 0.2, 0.08]), attack_s=0.6, release_s=1.2)
SUB = Instrument(wavetable([1.0, 0.1]), attack_s=2.0, release_s=2.5)
PIANO = Instrument(
    wavetable([1.0, 0.5, 0.3, 0.15, 0.08, 0.04]),
    attack_s=0.006,
    release_s=0.4,
    decay_s=0.9,
    table_late=wavetable([1.0, 0.2, 0.05]),
)
BELL = Instrument(wavetable([1.0, 0.0, 0.35, 0.0, 0.12]), attack_s=0.01, release_s=1.0, decay_s=1.6)
PLUCK = Instrument(
    wavetable([1.0, 0.6, 0.35, 0.2, 0.1]), attack_s=0.004, release_s=0.06, decay_s=0.18
)
PLUCK_BASS = Instrument(wavetable([1.0, 0.5, 0.25]), attack_s=0.005, release_s=0.05, decay_s=0.25)
TIMPANI = Instrument(
    wavetable([1.0, 0.3, 0.1]), attack_s=0.004, release_s=0.3, decay_s=0.45, pitch_drop=0.6
)
KICK = Instrument(
    wavetable([1.0]),
    attack_s=0.002,
    release_s=0.05,
    decay_s=0.12,
    pitch_drop=2.5,
    pitch_drop_s=0.03,
)
HAT = Instrument(wavetable([0.0]), attack_s=0.001, release_s=0.02, decay_s=0.035, noise=1.0)
CLAP = Instrument(wavetable([1.0]), attack_s=0.002, release_s=0.05, decay_s=0.09, noise=1.4)
FLUTE = Instrument(
    wavetable([1.0, 0.22, 0.08, 0.03]),
    attack_s=0.18,
    release_s=0.45,
    vibrato_hz=5.2,
    vibrato_depth=0.004,
)

_TANPURA_BRIGHT = [
    (1.0 / k) * (1.0 + 2.5 * math.exp(-(((k - 9) / 4.0) ** 2))) for k in range(1, 32)
]
_TANPURA_MELLOW = [
    (1.0 / k**1.5) * (1.0 + 1.2 * math.exp(-(((k - 5) / 3.0) ** 2))) for k in range(1, 20)
]
TANPURA = Instrument(
    wavetable(_TANPURA_BRIGHT),
    attack_s=0.012,
    release_s=1.5,
    decay_s=2.8,
    detune_cents=(-1.5, 1.5),
    table_late=wavetable(_TANPURA_MELLOW),
)


# --- styles --------------------------------------------------------------------------------

_MINOR = (0, 2, 3, 5, 7, 8, 10)
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_STYLE_IDS = {"cinematic": 1, "ambient": 2, "upbeat": 3, "devotional": 4}


def _rng(seed: int, style: str, *extra: int) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, _STYLE_IDS[style], *extra])


def _triad(root: int, scale: tuple[int, ...], degree: int) -> list[int]:
    """MIDI notes of the triad on a scale degree (0-based) above root."""
    notes = []
    for step in (0, 2, 4):
        position = degree + step
        notes.append(root + scale[position % 7] + 12 * (position // 7))
    return notes


def _echoes(note: Note, delay_s: float, feedback: float, count: int) -> list[Note]:
    """The note and its quieter repeats, alternating sides (a delay without state)."""
    notes = [note]
    for repeat in range(1, count + 1):
        notes.append(
            Note(
                note.start_s + repeat * delay_s,
                note.length_s,
                note.freq_hz,
                note.gain * feedback**repeat,
                note.instrument,
                -note.pan if repeat % 2 else note.pan,
            )
        )
    return notes


def cinematic(seed: int) -> Score:
    """Slow minor strings, a low pulse and a sparse piano line."""
    setup = _rng(seed, "cinematic")
    root = int(setup.choice([50, 52, 45, 48]))  # D3, E3, A2, C3
    bar_s = 4.0
    progressions = ([0, 5, 2, 6], [0, 3, 5, 4], [0, 6, 5, 6], [0, 5, 3, 4])
    progression = progressions[int(setup.integers(len(progressions)))]

    def notes(bar: int) -> list[Note]:
        rng = _rng(seed, "cinematic", bar)
        start = bar * bar_s
        degree = progression[bar % len(progression)]
        chord = _triad(root, _MINOR, degree)
        intensity = 0.5 + 0.5 * math.sin(2 * math.pi * bar / 16.0 - math.pi / 2)
        out = [
            Note(start, bar_s + 1.6, midi_hz(pitch), 0.11, STRING_PAD, pan)
            for pitch, pan in zip(chord, (-0.4, 0.0, 0.4), strict=True)
        ]
        out.append(Note(start, bar_s + 1.2, midi_hz(chord[0] - 12), 0.16, BASS))
        if intensity > 0.45:
            for beat in (0.0, 2.0):
                out.append(Note(start + beat, 0.9, midi_hz(root - 12), 0.3 * intensity, TIMPANI))
        if bar % 8 >= 4:
            melody = [
                root + 12 + _MINOR[d % 7] + 12 * (d // 7)
                for d in (degree, degree + 2, degree + 4, degree + 7)
            ]
            for beat in sorted(rng.choice([0.0, 1.0, 1.5, 2.0, 3.0], size=3, replace=False)):
                pitch = int(rng.choice(melody))
                note = Note(
                    start + float(beat),
                    2.2,
                    midi_hz(pitch),
                    0.16,
                    PIANO,
                    float(rng.uniform(-0.3, 0.3)),
                )
                out.extend(_echoes(note, 0.75, 0.35, 2))
        return out

    return Score(bar_s, bar_s + 1.6 + 2 * 0.75 + 2.2, notes, gain=0.8, seed=seed)


def ambient(seed: int) -> Score:
    """Slowly breathing major pads, a soft sub drone and scattered high bells."""
    setup = _rng(seed, "ambient")
    root = int(setup.choice([48, 50, 53, 55]))  # C3, D3, F3, G3
    bar_s = 6.0
    progression = [0, 3, 5, 3] if setup.random() < 0.5 else [0, 4, 3, 0]

    def notes(bar: int) -> list[Note]:
        rng = _rng(seed, "ambient", bar)
        start = bar * bar_s
        chord = _triad(root, _MAJOR, progression[bar % len(progression)])
        chord.append(chord[0] + 14)  # an added ninth, an octave up
        out = [
            Note(start, bar_s + 3.0, midi_hz(pitch), 0.09, WARM_PAD, pan)
            for pitch, pan in zip(chord, (-0.5, -0.15, 0.15, 0.5), strict=True)
        ]
        out.append(Note(start, bar_s + 2.5, midi_hz(root - 12), 0.14, SUB))
        for _ in range(int(rng.integers(1, 3))):
            pitch = int(rng.choice(chord)) + 12
            when = start + float(rng.uniform(0.0, bar_s - 1.0))
            bell = Note(when, 3.0, midi_hz(pitch), 0.05, BELL, float(rng.uniform(-0.7, 0.7)))
            out.extend(_echoes(bell, 0.9, 0.4, 2))
        return out

    return Score(bar_s, bar_s + 3.0 + 1.8 + 3.0, notes, gain=0.9, seed=seed)


def upbeat(seed: int) -> Score:
    """A bright major groove: four-on-the-floor kick, claps, hats, plucked chords and bass."""
    setup = _rng(seed, "upbeat")
    root = int(setup.choice([48, 50, 52, 53, 55]))
    tempo_bpm = float(setup.integers(108, 125))
    beat_s = 60.0 / tempo_bpm
    bar_s = 4 * beat_s
    progression = [0, 4, 5, 3]
    pentatonic = (0, 2, 4, 7, 9)

    def notes(bar: int) -> list[Note]:
        rng = _rng(seed, "upbeat", bar)
        start = bar * bar_s
        degree = progression[bar % len(progression)]
        chord = _triad(root + 12, _MAJOR, degree)
        out: list[Note] = []
        for eighth in range(8):
            when = start + eighth * beat_s / 2
            if eighth % 2 == 0:
                out.append(Note(when, 0.25, 50.0, 0.55, KICK))
            else:
                out.append(Note(when, 0.06, 1.0, 0.05, HAT, 0.3))
                for pitch, pan in zip(chord, (-0.3, 0.0, 0.3), strict=True):
                    out.append(Note(when, 0.2, midi_hz(pitch), 0.07, PLUCK, pan))
            if eighth in (2, 6):
                out.append(Note(when, 0.16, 180.0, 0.12, CLAP, -0.1))
            if eighth in (0, 2, 3, 5, 7):
                out.append(Note(when, 0.22, midi_hz(chord[0] - 24), 0.3, PLUCK_BASS))
        if bar % 4 >= 2:
            for eighth in sorted(rng.choice(8, size=4, replace=False)):
                step = pentatonic[int(rng.integers(len(pentatonic)))]
                pitch = root + 24 + step
                note = Note(start + eighth * beat_s / 2, 0.5, midi_hz(pitch), 0.1, BELL, 0.2)
                out.extend(_echoes(note, 3 * beat_s / 4, 0.3, 1))
        return out

    return Score(bar_s, bar_s + 3 * beat_s / 4 + 0.6, notes, gain=0.75, seed=seed)


_RAGAS = (
    (0, 2, 4, 7, 9),  # Bhupali: S R G P D
    (0, 2, 4, 6, 7, 9, 11),  # Yaman: S R G M# P D N
    (0, 2, 5, 7, 9),  # Durga: S R M P D
)


def devotional(seed: int) -> Score:
    """A tanpura drone (Pa Sa Sa Sa) under a slow bansuri-like melodic line in a raga."""
    setup = _rng(seed, "devotional")
    sa = int(setup.choice([49, 50, 48]))  # C#3, D3, C3: the tonic, Sa
    raga = _RAGAS[int(setup.integers(len(_RAGAS)))]
    pluck_s = 1.3
    bar_s = 4 * pluck_s
    sa_hz = midi_hz(sa)
    strings = ((sa_hz * 0.75, -0.3), (sa_hz, 0.15), (sa_hz, 0.25), (sa_hz * 0.5, -0.1))

    def notes(bar: int) -> list[Note]:
        rng = _rng(seed, "devotional", bar)
        start = bar * bar_s
        out = [
            Note(start + k * pluck_s, 6.0, freq, 0.2, TANPURA, pan)
            for k, (freq, pan) in enumerate(strings)
        ]
        out.append(Note(start, bar_s + 2.5, sa_hz * 0.5, 0.08, SUB))
        if bar % 3 == 2 or bar < 1:
            return out  # the melody breathes: one cycle in three is drone only
        # One phrase per cycle, moving by steps through the raga and coming home to Sa or Pa.
        scale = [sa + 12 + step for step in raga] + [sa + 24]
        position = int(rng.integers(0, len(scale) - 1))
        when = start + float(rng.choice([0.0, 0.65]))
        end = start + bar_s
        while when < end - 0.6:
            length = float(rng.choice([0.65, 1.3, 1.3, 1.95]))
            length = min(length, end - when)
            if end - when - length < 0.6:
                position = 0 if rng.random() < 0.6 else raga.index(7) if 7 in raga else 0
            out.append(Note(when, length + 0.35, midi_hz(scale[position]), 0.2, FLUTE, 0.1))
            when += length
            position = int(
                np.clip(position + rng.choice([-1, -1, 1, 1, 2, -2, 0]), 0, len(scale) - 1)
            )
        return out

    return Score(bar_s, 6.0 + 3 * pluck_s, notes, gain=0.85, seed=seed)


SCORES: dict[str, Callable[[int], Score]] = {
    "cinematic": cinematic,
    "ambient": ambient,
    "upbeat": upbeat,
    "devotional": devotional,
}
"""Score builders by style name."""
