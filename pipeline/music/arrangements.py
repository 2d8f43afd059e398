"""The music styles as General MIDI arrangements: chords, pad, bass and melody, bar by bar.

Each style keeps the harmony of its wavetable score (pipeline.music.scores: the same root,
progression and raga for a seed) and gives each part a General MIDI instrument, so a
soundfont (pipeline.music.soundfont) plays it with sampled instruments. A bar's notes come
from a random generator seeded with (seed, style, bar), so any bar can be made on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.music.scores import _MAJOR, _MINOR, _RAGAS, _rng, _triad

DRUM_CHANNEL = 9
"""General MIDI's percussion channel (channel 10 counted from one)."""
KICK, CLAP, CLOSED_HAT, SHAKER = 36, 39, 42, 70
"""General MIDI percussion keys."""


@dataclass(frozen=True)
class Part:
    """One MIDI channel's instrument: a General MIDI program (0-based) and its level."""

    channel: int
    program: int
    volume: float = 1.0
    pan: float = 0.5
    """0 = left, 0.5 = centre, 1 = right."""
    drums: bool = False


@dataclass(frozen=True)
class MidiNote:
    """One note: start and length in seconds, channel, key (0-127), velocity (0-1)."""

    start_s: float
    length_s: float
    channel: int
    key: int
    velocity: float


@dataclass(frozen=True)
class Arrangement:
    """A style's music for one seed: its parts and the notes of any bar (all start in it)."""

    bar_s: float
    parts: tuple[Part, ...]
    notes_in_bar: Callable[[int], list[MidiNote]]


def _chord(
    start: float, length: float, channel: int, keys: list[int], velocity: float
) -> list[MidiNote]:
    return [MidiNote(start, length, channel, key, velocity) for key in keys]


def cinematic(seed: int) -> Arrangement:
    """Slow minor strings, a cello and contrabass line, timpani swells and a sparse piano."""
    setup = _rng(seed, "cinematic")
    root = int(setup.choice([50, 52, 45, 48]))
    bar_s = 4.0
    progressions = ([0, 5, 2, 6], [0, 3, 5, 4], [0, 6, 5, 6], [0, 5, 3, 4])
    progression = progressions[int(setup.integers(len(progressions)))]
    strings, bass, piano, timpani = 0, 1, 2, 3
    parts = (
        Part(strings, 49, 0.9, 0.45),
        Part(bass, 43, 0.8, 0.55),
        Part(piano, 0, 0.75, 0.6),
        Part(timpani, 47, 0.7, 0.5),
    )

    def notes(bar: int) -> list[MidiNote]:
        rng = _rng(seed, "cinematic", bar)
        start = bar * bar_s
        degree = progression[bar % len(progression)]
        chord = _triad(root, _MINOR, degree)
        intensity = 0.5 + 0.5 * math.sin(2 * math.pi * bar / 16.0 - math.pi / 2)
        out = _chord(start, bar_s, strings, [*chord, chord[0] + 12], 0.55 + 0.2 * intensity)
        out.append(MidiNote(start, bar_s, bass, chord[0] - 12, 0.7))
        if intensity > 0.45:
            for beat in (0.0, 2.0):
                out.append(MidiNote(start + beat, 0.9, timpani, root - 12, 0.5 * intensity))
        if bar % 8 >= 4:
            melody = [
                root + 12 + _MINOR[d % 7] + 12 * (d // 7)
                for d in (degree, degree + 2, degree + 4, degree + 7)
            ]
            beats = sorted(rng.choice([0.0, 1.0, 1.5, 2.0, 3.0], size=3, replace=False))
            for beat, following in zip(beats, [*beats[1:], 4.0], strict=True):
                key = int(rng.choice(melody))
                out.append(MidiNote(start + float(beat), float(following - beat), piano, key, 0.6))
        return out

    return Arrangement(bar_s, parts, notes)


def ambient(seed: int) -> Arrangement:
    """Warm pad chords with an added ninth, a fretless bass drone and scattered celesta."""
    setup = _rng(seed, "ambient")
    root = int(setup.choice([48, 50, 53, 55]))
    bar_s = 6.0
    progression = [0, 3, 5, 3] if setup.random() < 0.5 else [0, 4, 3, 0]
    pad, bass, bells = 0, 1, 2
    parts = (Part(pad, 89, 0.9, 0.5), Part(bass, 35, 0.7, 0.5), Part(bells, 8, 0.6, 0.65))

    def notes(bar: int) -> list[MidiNote]:
        rng = _rng(seed, "ambient", bar)
        start = bar * bar_s
        chord = _triad(root, _MAJOR, progression[bar % len(progression)])
        chord.append(chord[0] + 14)
        out = _chord(start, bar_s, pad, chord, 0.6)
        out.append(MidiNote(start, bar_s, bass, root - 12, 0.55))
        for _ in range(int(rng.integers(1, 3))):
            key = int(rng.choice(chord)) + 12
            when = float(rng.uniform(0.0, bar_s - 1.5))
            out.append(MidiNote(start + when, 1.5, bells, key, 0.45))
        return out

    return Arrangement(bar_s, parts, notes)


def upbeat(seed: int) -> Arrangement:
    """A bright major groove: kick, claps and hats, strummed guitar, picked bass, piano hook."""
    setup = _rng(seed, "upbeat")
    root = int(setup.choice([48, 50, 52, 53, 55]))
    tempo_bpm = float(setup.integers(108, 125))
    beat_s = 60.0 / tempo_bpm
    bar_s = 4 * beat_s
    progression = [0, 4, 5, 3]
    pentatonic = (0, 2, 4, 7, 9)
    guitar, bass, piano = 0, 1, 2
    parts = (
        Part(guitar, 25, 0.75, 0.4),
        Part(bass, 33, 0.85, 0.5),
        Part(piano, 1, 0.7, 0.6),
        Part(DRUM_CHANNEL, 0, 0.8, 0.5, drums=True),
    )
    eighth_s = beat_s / 2

    def notes(bar: int) -> list[MidiNote]:
        rng = _rng(seed, "upbeat", bar)
        start = bar * bar_s
        chord = _triad(root + 12, _MAJOR, progression[bar % len(progression)])
        out: list[MidiNote] = []
        for eighth in range(8):
            when = start + eighth * eighth_s
            if eighth % 2 == 0:
                out.append(MidiNote(when, eighth_s, DRUM_CHANNEL, KICK, 0.9))
            else:
                out.append(MidiNote(when, eighth_s / 2, DRUM_CHANNEL, CLOSED_HAT, 0.45))
                out.extend(_chord(when, eighth_s * 0.9, guitar, chord, 0.55))
            if eighth in (2, 6):
                out.append(MidiNote(when, eighth_s, DRUM_CHANNEL, CLAP, 0.7))
            if eighth in (0, 2, 3, 5, 7):
                out.append(MidiNote(when, eighth_s * 0.9, bass, chord[0] - 24, 0.8))
        if bar % 4 >= 2:
            for eighth in sorted(rng.choice(8, size=4, replace=False)):
                key = root + 24 + pentatonic[int(rng.integers(len(pentatonic)))]
                out.append(MidiNote(start + int(eighth) * eighth_s, eighth_s, piano, key, 0.6))
        return out

    return Arrangement(bar_s, parts, notes)


def devotional(seed: int) -> Arrangement:
    """A sitar drone (Pa Sa Sa Sa), slow strings on Sa and a bansuri-like flute in a raga."""
    setup = _rng(seed, "devotional")
    sa = int(setup.choice([49, 50, 48]))
    raga = _RAGAS[int(setup.integers(len(_RAGAS)))]
    pluck_s = 1.3
    bar_s = 4 * pluck_s
    drone, pad, flute = 0, 1, 2
    parts = (Part(drone, 104, 0.6, 0.45), Part(pad, 49, 0.55, 0.5), Part(flute, 73, 0.85, 0.55))
    strings = (sa - 5, sa, sa, sa - 12)

    def notes(bar: int) -> list[MidiNote]:
        rng = _rng(seed, "devotional", bar)
        start = bar * bar_s
        out = [
            MidiNote(start + k * pluck_s, pluck_s, drone, key, 0.5) for k, key in enumerate(strings)
        ]
        out.extend(_chord(start, bar_s, pad, [sa - 12, sa - 5], 0.4))
        if bar % 3 == 2 or bar < 1:
            return out
        scale = [sa + 12 + step for step in raga] + [sa + 24]
        position = int(rng.integers(0, len(scale) - 1))
        when = start + float(rng.choice([0.0, 0.65]))
        end = start + bar_s
        while when < end - 0.6:
            length = min(float(rng.choice([0.65, 1.3, 1.3, 1.95])), end - when)
            if end - when - length < 0.6:
                position = 0 if rng.random() < 0.6 else raga.index(7) if 7 in raga else 0
            out.append(MidiNote(when, length, flute, scale[position], 0.6))
            when += length
            position = int(
                np.clip(position + rng.choice([-1, -1, 1, 1, 2, -2, 0]), 0, len(scale) - 1)
            )
        return out

    return Arrangement(bar_s, parts, notes)


ARRANGEMENTS: dict[str, Callable[[int], Arrangement]] = {
    "cinematic": cinematic,
    "ambient": ambient,
    "upbeat": upbeat,
    "devotional": devotional,
}
"""Arrangement builders by style name (the same styles as pipeline.music.scores.SCORES)."""
