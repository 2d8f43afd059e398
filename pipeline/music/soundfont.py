"""The music styles played by a General MIDI soundfont through TinySoundFont.

A style's arrangement (pipeline.music.arrangements) is turned into note events in time
order, bar by bar, and a TinySoundFont synthesiser renders the samples between events. The
soundfont is cut down to the film's instruments and the keys its notes play
(pipeline.music.soundfont_subset: TinySoundFont holds every kept sample as float32, about
240 MB for the cinematic instruments of MuseScore_General_Lite whole, far less for the keys a
film plays), kept for the next film with the same notes (only the last one loaded), and
cloned per film (a clone shares the samples and has its own voices), so every film starts
from the same state.

Why it is chunk-invariant and click-free: the synthesiser always renders the same stretches
of samples, cut only at the note events (on their exact sample) and at a fixed grid of
RENDER_BLOCK samples counted from the film's start, never at the chunk boundaries the caller
asks for; the caller's chunks are then sliced from that one continuous stream. The samples
are therefore identical whatever the chunk size, and a chunk boundary is no seam at all.
Memory is flat: at most one bar of events and one render block are held.

Level: the first LEVEL_PREVIEW_S of the film are rendered once ahead (a separate clone) and
measured (BS.1770), and one gain brings the style to the loudness of the wavetable styles,
so the mix's music bed and ducking (pipeline.sound.mix) are the same for either. The music
fades in and out like the wavetable styles and is soft-clipped the same way.
"""

from __future__ import annotations

import heapq
import logging
import math
import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.errors import BackendUnavailableError
from pipeline.media.loudness import LoudnessMeter
from pipeline.music.arrangements import ARRANGEMENTS, Arrangement
from pipeline.music.soundfont_subset import subset_soundfont
from pipeline.music.styles import DEFAULT_CHUNK_S, FADE_IN_S, FADE_OUT_S
from pipeline.music.synth import fade_gain
from pipeline.types import AudioArray

TARGET_LUFS = -20.0
"""Integrated loudness the soundfont music is brought to: that of the wavetable styles."""
LEVEL_PREVIEW_S = 24.0
"""Length rendered ahead to measure a film's music level (at most the film)."""
MAX_GAIN_DB = 30.0
"""Largest boost or cut the level match applies."""
RENDER_BLOCK = 4096
"""Samples per synthesiser call at most; blocks are counted from the film's start."""
LEVEL_METER_BLOCK = 1 << 16
"""Samples of the level preview metered at a time (rendered blocks are joined up to this)."""
MAX_VOICES = 128
"""Voices the synthesiser may sound at once (older ones are cut beyond that)."""
DRUM_BANK = 128
"""The soundfont bank of General MIDI drum kits."""
_CHANNELS = 2

logger = logging.getLogger(__name__)


PresetKeys = tuple[tuple[tuple[int, int], tuple[int, ...]], ...]
"""((bank, program), keys played) for each preset, sorted: a hashable cache key."""

Event = tuple[int, int, int, int, float]
"""(sample, order, channel, key, velocity): order 0 is a note-off, 1 a note-on, so a note
ending where the next starts on the same key is released first."""


def _tinysoundfont() -> Any:
    try:
        import tinysoundfont._tinysoundfont as native  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - a dependency of the project
        raise BackendUnavailableError(
            "The tinysoundfont package is not installed; reinstall the project's dependencies."
        ) from error
    return native


def load_soundfont(path: Path, keys: PresetKeys | None = None) -> Any:
    """The soundfont at path cut down to the styles' presets and, given keys, to the keys each
    preset plays (BackendUnavailableError when it cannot be read).

    Nothing is kept between calls: the decoded samples (tens of MB) live as long as the film's
    music stream, not through the rest of the render; loading takes about 0.2 s.
    """
    native = _tinysoundfont()
    try:
        with path.open("rb") as source:
            # Mapped, not read: cutting it down touches only the headers and the kept samples
            # (a few MB of a file of tens).
            mapped = mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            if keys is None:
                data = subset_soundfont(mapped, style_presets())
            else:
                data = subset_soundfont(mapped, [preset for preset, _ in keys], dict(keys))
        except (BackendUnavailableError, KeyError, IndexError, struct.error) as error:
            logger.warning("Soundfont %s is loaded whole: it cannot be cut down (%s).", path, error)
            data = mapped[:]
        return native.SoundFont(data)
    except (RuntimeError, OSError, ValueError) as error:
        raise BackendUnavailableError(
            f"The soundfont {path} cannot be read ({error}); install a General MIDI soundfont."
        ) from error


def played_keys(arrangement: Arrangement, duration_s: float) -> PresetKeys:
    """The keys each (bank, program) preset of the arrangement plays in its first duration_s."""
    presets = {
        part.channel: (DRUM_BANK if part.drums else 0, part.program) for part in arrangement.parts
    }
    keys: dict[tuple[int, int], set[int]] = {preset: set() for preset in presets.values()}
    for bar in range(math.ceil(duration_s / arrangement.bar_s) + 1):
        for note in arrangement.notes_in_bar(bar):
            if note.start_s < duration_s and note.channel in presets:
                keys[presets[note.channel]].add(note.key)
    return tuple(sorted((preset, tuple(sorted(found))) for preset, found in keys.items()))


def style_presets() -> set[tuple[int, int]]:
    """The (bank, program) of every instrument the styles play (drums: bank 128)."""
    return {
        (DRUM_BANK if part.drums else 0, part.program)
        for arrange in ARRANGEMENTS.values()
        for part in arrange(0).parts
    }


def _synth(loaded: Any, arrangement: Arrangement, sample_rate: int) -> Any:
    """A fresh synthesiser for one film: a clone of the loaded soundfont with the parts set."""
    native = _tinysoundfont()
    synth = native.SoundFont(loaded)
    synth.set_output(native.OutputMode.StereoInterleaved, sample_rate, 0.0)
    synth.set_max_voices(MAX_VOICES)
    for part in arrangement.parts:
        synth.channel_set_bank(part.channel, DRUM_BANK if part.drums else 0)
        synth.channel_set_preset_number(part.channel, part.program, part.drums)
        synth.channel_set_volume(part.channel, part.volume)
        synth.channel_set_pan(part.channel, part.pan)
    return synth


def _events(arrangement: Arrangement, sample_rate: int) -> Iterator[Event]:
    """Every note-on and note-off in time order, made one bar at a time."""
    pending: list[Event] = []
    bar = 0
    while True:
        bar_first = math.ceil(bar * arrangement.bar_s * sample_rate)
        while pending and pending[0][0] < bar_first:
            yield heapq.heappop(pending)
        for note in arrangement.notes_in_bar(bar):
            first = math.ceil(note.start_s * sample_rate)
            last = max(first + 1, math.ceil((note.start_s + note.length_s) * sample_rate))
            velocity = min(1.0, max(0.0, note.velocity))
            heapq.heappush(pending, (first, 1, note.channel, note.key, velocity))
            heapq.heappush(pending, (last, 0, note.channel, note.key, 0.0))
        bar += 1


def _stream(
    synth: Any, arrangement: Arrangement, total: int, sample_rate: int
) -> Iterator[npt.NDArray[np.float32]]:
    """The raw stereo samples [0, total), in blocks cut at events and at the fixed grid."""
    events = _events(arrangement, sample_rate)
    upcoming = next(events)
    position = 0
    while position < total:
        while upcoming[0] <= position:
            _, kind, channel, key, velocity = upcoming
            if kind:
                synth.channel_note_on(channel, key, velocity)
            else:
                synth.channel_note_off(channel, key)
            upcoming = next(events)
        grid_end = (position // RENDER_BLOCK + 1) * RENDER_BLOCK
        end = min(total, grid_end, upcoming[0])
        block = np.zeros((end - position, _CHANNELS), dtype=np.float32)
        synth.render(block.data.cast("B"), False)
        yield block
        position = end


def _level_gain(loaded: Any, arrangement: Arrangement, total: int, sample_rate: int) -> float:
    """The gain that brings the first LEVEL_PREVIEW_S of the music to TARGET_LUFS."""
    preview = min(total, round(LEVEL_PREVIEW_S * sample_rate))
    synth = _synth(loaded, arrangement, sample_rate)
    meter = LoudnessMeter(sample_rate, _CHANNELS)
    held: list[npt.NDArray[np.float32]] = []
    held_samples = 0
    for block in _stream(synth, arrangement, preview, sample_rate):
        held.append(block)
        held_samples += len(block)
        if held_samples >= LEVEL_METER_BLOCK:  # the meter's FFT works best on long blocks
            meter.add(np.concatenate(held))
            held, held_samples = [], 0
    if held:
        meter.add(np.concatenate(held))
    loudness = meter.integrated_lufs()
    if not math.isfinite(loudness):
        return 1.0
    return 10 ** (float(np.clip(TARGET_LUFS - loudness, -MAX_GAIN_DB, MAX_GAIN_DB)) / 20)


def soundfont_chunks(
    soundfont: Path,
    style: str,
    duration_s: float,
    sample_rate: int,
    seed: int,
    chunk_s: float = DEFAULT_CHUNK_S,
) -> Iterator[AudioArray]:
    """Stereo float32 chunks of a style played by the soundfont, exactly
    round(duration_s * sample_rate) samples in all; the same samples for any chunk_s.

    The soundfont is loaded (and the level measured) before this returns, so a soundfont
    that cannot be read raises BackendUnavailableError here, not mid-film.
    """
    arrangement = ARRANGEMENTS[style](seed)
    total = round(duration_s * sample_rate)
    chunk = max(1, round(chunk_s * sample_rate))
    loaded = load_soundfont(soundfont, played_keys(arrangement, total / sample_rate))
    gain = _level_gain(loaded, arrangement, total, sample_rate)
    synth = _synth(loaded, arrangement, sample_rate)
    return _chunks(_stream(synth, arrangement, total, sample_rate), total, chunk, gain, sample_rate)


def _chunks(
    stream: Iterator[npt.NDArray[np.float32]], total: int, chunk: int, gain: float, sample_rate: int
) -> Iterator[AudioArray]:
    fade_in = min(round(FADE_IN_S * sample_rate), total // 4)
    fade_out = min(round(FADE_OUT_S * sample_rate), total // 4)
    held: list[npt.NDArray[np.float32]] = []
    held_samples = 0
    first = 0
    for block in stream:
        held.append(block)
        held_samples += len(block)
        while held_samples >= chunk or (held_samples and first + held_samples >= total):
            joined = np.concatenate(held) if len(held) > 1 else held[0]
            size = min(chunk, held_samples)
            piece, rest = joined[:size], joined[size:]
            held, held_samples = ([rest] if len(rest) else []), len(rest)
            yield _finish(piece, first, total, gain, fade_in, fade_out)
            first += size


def _finish(
    piece: npt.NDArray[np.float32], first: int, total: int, gain: float, fade_in: int, fade_out: int
) -> AudioArray:
    index = np.arange(first, first + len(piece), dtype=np.int64)
    shaped = piece.astype(np.float64) * (gain * fade_gain(index, total, fade_in, fade_out))[:, None]
    return np.tanh(shaped).astype(np.float32)
