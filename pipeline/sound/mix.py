"""The film's sound: narration over music, ducked, loudness-normalised and peak-limited.

Works in chunks so memory is flat in film length. The music comes as a stem file
(pipeline.sound.stems.write_music_stem), written before the mix and the encoders run. Pass 1
places the narration (each clip evened out by the compressor at its own rate, then
resampled) into a stem of its own, and measures it and the (ducked) music with BS.1770
meters; from those it sets the music bed under the voice and the master gain that brings the
mix to about -14 LUFS. Pass 2 mixes each chunk from the two stems (with a little context on
each side, so the look-ahead limiter needs no state), limits true peaks and writes raw
float32 stereo that the encoder reads.
"""

from __future__ import annotations

import bisect
import itertools
import math
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from pipeline.media.loudness import (
    LoudnessMeter,
    SubblockEnergy,
    gated_loudness,
    true_peak_per_sample,
)
from pipeline.media.resample import resample_poly
from pipeline.sound.clips import ClipStore
from pipeline.sound.dynamics import compress_speech, limit
from pipeline.sound.stems import CHANNELS, StemFile
from pipeline.types import (
    FILM_SAMPLE_RATE_HZ,
    ProgressCallback,
    SpeechSpan,
    SpokenSentence,
    no_progress,
)

STAGE = "mix"

TARGET_LUFS = -14.0
"""Integrated loudness of the finished film (streaming platforms' reference)."""
PEAK_CEILING_DBTP = -1.5
"""Limiter ceiling; half a dB under the -1 dBTP contract leaves room for AAC overshoot."""
MUSIC_BED_LU = 8.0
"""Music (unducked) sits this far below the narration's loudness."""
DUCK_DB = 10.0
"""Further music reduction while someone speaks."""
DUCK_ATTACK_S = 0.25
"""The music dips over this time before speech starts..."""
DUCK_RELEASE_S = 0.6
"""...and comes back over this time after it ends."""
CHUNK_S = 3.0
"""Length of audio mixed at a time."""
LIMITER_HOLD_S = 0.025
"""Half-width of the limiter's look-ahead minimum; the gain is then smoothed over as long."""
LOUDNESS_TOLERANCE_LU = 0.5
"""When limiting leaves the mix further than this from the target, it is remixed."""
MAX_MIX_PASSES = 3
LIMITER_LOSS_FACTOR = 2.0
"""A remix raises the gain by this many times the shortfall: about half of each extra dB
goes into peaks the limiter then removes."""
MAX_CORRECTION_DB = 4.0
LIMITED_GAIN = 10 ** (-0.1 / 20)
"""A sample counts as limited when the limiter turned it down by more than 0.1 dB."""
DUAL_MONO = 2.0
"""Energy factor of a mono signal played in both channels."""
SAFE_TRUE_PEAK_MARGIN = 10 ** (-4 / 20)
"""A block whose sample peak is this far under the loudest true peak so far cannot set a new
one; only louder blocks are oversampled for the report."""
_SPEECH_CACHE = 4

FloatArray = npt.NDArray[np.float32]
SinkOpener = Callable[[], AbstractContextManager[IO[bytes]]]
"""Opens where a final mix pass writes its raw float32 stereo samples."""


@dataclass(frozen=True)
class MixReport:
    """What the mix did and measured (all levels of the raw output, before AAC)."""

    integrated_lufs: float
    true_peak_dbtp: float
    speech_lufs: float
    music_lufs: float
    music_gain_db: float
    master_gain_db: float
    limited_fraction: float
    """Share of samples the limiter turned down by more than 0.1 dB."""
    max_reduction_db: float
    """The most the limiter turned any sample down."""
    samples: int


class SpeechTrack:
    """Narration placed on the film's timeline, readable over any sample range (mono)."""

    def __init__(
        self,
        spoken: Sequence[SpokenSentence],
        speech: Sequence[SpeechSpan],
        sample_rate: int,
        store: ClipStore | None = None,
    ) -> None:
        """store, when given, holds the real samples of clips whose audio is a stand-in."""
        self.sample_rate = sample_rate
        self._store = store
        by_index = {item.sentence.index: item for item in spoken}
        placed: list[tuple[int, SpokenSentence]] = []
        for span in speech:
            item = by_index.get(span.sentence.index)
            if item is not None and len(item.audio):
                placed.append((round(span.start_s * sample_rate), item))
        placed.sort(key=lambda pair: pair[0])
        self._placed = placed
        ends = [start + self._length(item) for start, item in placed]
        self._ends = ends
        # Running maximum of the ends: a sorted key for finding the first sentence still on.
        self._reach = list(itertools.accumulate(ends, max))
        self._cache: OrderedDict[int, FloatArray] = OrderedDict()

    def _length(self, item: SpokenSentence) -> int:
        return math.ceil(len(item.audio) * self.sample_rate / item.sample_rate)

    def _resampled(self, position: int) -> FloatArray:
        cached = self._cache.get(position)
        if cached is not None:
            return cached
        item = self._placed[position][1]
        index = item.sentence.index
        if self._store is not None and index in self._store:
            audio = self._store.load(index)
        else:
            audio = np.asarray(item.audio, dtype=np.float32)
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        # Evened out at the voice's own rate: the gain is smooth, so it is the same after
        # resampling, for half the work and memory of a 48 kHz clip.
        audio = compress_speech(audio, item.sample_rate)
        if item.sample_rate != self.sample_rate:
            divisor = math.gcd(self.sample_rate, item.sample_rate)
            audio = resample_poly(
                audio, self.sample_rate // divisor, item.sample_rate // divisor
            ).astype(np.float32)
        self._cache[position] = audio
        while len(self._cache) > _SPEECH_CACHE:
            self._cache.popitem(last=False)
        return audio

    def render(self, start: int, stop: int) -> FloatArray:
        """The narration from sample start (inclusive) to stop (exclusive); zeros elsewhere."""
        out = np.zeros(max(0, stop - start), dtype=np.float32)
        for position in range(bisect.bisect_right(self._reach, start), len(self._placed)):
            begin = self._placed[position][0]
            if begin >= stop:
                break
            audio = self._resampled(position)
            lo = max(start, begin)
            hi = min(stop, begin + len(audio))
            if hi > lo:
                out[lo - start : hi - start] += audio[lo - begin : hi - begin]
        return out

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) sample of each placed sentence."""
        return [(begin, end) for (begin, _item), end in zip(self._placed, self._ends, strict=True)]


def duck_envelope(
    spans: Sequence[tuple[int, int]], start: int, stop: int, sample_rate: int
) -> FloatArray:
    """Music gain (1 = full, DUCK_DB down under speech) for samples start..stop.

    Smooth raised-cosine ramps: down over DUCK_ATTACK_S before each sentence, up over
    DUCK_RELEASE_S after it; sentences close together keep the music down between them.
    """
    attack = max(1, round(DUCK_ATTACK_S * sample_rate))
    release = max(1, round(DUCK_RELEASE_S * sample_rate))
    depth = 1.0 - 10 ** (-DUCK_DB / 20)
    amount = np.zeros(max(0, stop - start), dtype=np.float32)
    for begin, end in spans:
        if max(start, begin - attack) >= min(stop, end + release):
            continue
        # A sentence's duck is a rising ramp, the sentence itself (fully down) and a falling
        # ramp: only the ramps need the cosine.
        _raise_to(amount, start, begin - attack, begin, begin - attack, attack)
        lo, hi = max(start, begin), min(stop, end + 1)
        if hi > lo:
            amount[lo - start : hi - start] = 1.0
        _raise_to(amount, start, end + 1, end + release, end + release, -release)
    result: FloatArray = (1.0 - depth * amount).astype(np.float32)
    return result


def _raise_to(
    amount: FloatArray, start: int, first: int, stop: int, origin: int, length: int
) -> None:
    """amount (which begins at sample start) raised to a raised-cosine ramp over samples
    first..stop, whose progress at a sample is (sample - origin) / length, clipped to 0..1
    (a negative length makes a falling ramp that ends at origin)."""
    lo, hi = max(start, first), min(start + len(amount), stop)
    if hi <= lo:
        return
    positions = np.arange(lo, hi, dtype=np.float64)
    progress = np.clip(
        (positions - origin) / length if length > 0 else (origin - positions) / -length, 0.0, 1.0
    )
    shaped = (0.5 - 0.5 * np.cos(np.pi * progress)).astype(np.float32)
    window = amount[lo - start : hi - start]
    np.maximum(window, shaped, out=window)


def _db(gain: float) -> float:
    return 20 * math.log10(gain) if gain > 0 else -math.inf


def mix_film_audio(
    speech: SpeechTrack,
    music: Path | None,
    duration_s: float,
    out_path: Path,
    progress: ProgressCallback = no_progress,
    sample_rate: int = FILM_SAMPLE_RATE_HZ,
    sink: SinkOpener | None = None,
) -> MixReport:
    """Mix narration and music for a film of duration_s into raw float32 stereo at out_path.

    music is the film's music stem (write_music_stem; None: no music), read but not removed.
    progress(STAGE, fraction) is called as work advances. sink, when given, opens where each
    final pass writes instead of out_path (e.g. an AAC encoder's pipe: aac_stream); the last
    pass opened is the mix.
    """
    total = round(duration_s * sample_rate)
    music_stem = StemFile(music, total) if music is not None else None
    # The placed narration, kept for pass 2 in a file without a name (gone when closed).
    scratch = tempfile.TemporaryFile(dir=out_path.parent, buffering=0)  # noqa: SIM115
    narration = StemFile(scratch, total, channels=1)
    try:
        opener = sink or (lambda: out_path.open("wb"))
        return _mix(speech, narration, music_stem, opener, progress, sample_rate)
    finally:
        narration.close()
        if music_stem is not None:
            music_stem.close()


def _mix(
    speech: SpeechTrack,
    narration: StemFile,
    music_stem: StemFile | None,
    sink: SinkOpener,
    progress: ProgressCallback,
    sample_rate: int,
) -> MixReport:
    total = narration.samples
    chunk = round(CHUNK_S * sample_rate)
    spans = speech.spans
    speech_meter = LoudnessMeter(sample_rate, 1)
    music_meter = LoudnessMeter(sample_rate, CHANNELS)
    ducked_energy = SubblockEnergy(sample_rate)
    for start in range(0, total, chunk):
        stop = min(total, start + chunk)
        spoken = speech.render(start, stop)
        narration.append(spoken)
        speech_meter.add(spoken)
        if music_stem is not None:
            power = music_meter.weigh(music_stem.read(start, stop))
            music_meter.energy.add(power)
            duck = duck_envelope(spans, start, stop, sample_rate).astype(np.float64)
            ducked_energy.add(power * duck * duck)
        progress(STAGE, 0.5 * stop / total)

    # The narration is the same in both channels: its stereo energy is twice the mono one.
    speech_energy = DUAL_MONO * speech_meter.subblock_energy
    speech_lufs = gated_loudness(speech_energy)
    music_lufs = music_meter.integrated_lufs()
    reference = speech_lufs if math.isfinite(speech_lufs) else TARGET_LUFS
    music_gain = (
        10 ** ((reference - MUSIC_BED_LU - music_lufs) / 20) if math.isfinite(music_lufs) else 0.0
    )
    predicted = speech_energy
    if music_stem is not None:
        predicted = predicted + music_gain**2 * ducked_energy.energies[: len(predicted)]
    mix_lufs = gated_loudness(predicted)
    master = 10 ** ((TARGET_LUFS - mix_lufs) / 20) if math.isfinite(mix_lufs) else 1.0

    mixer = _FinalMix(narration, spans, music_stem, music_gain, total, sample_rate)
    result = mixer.write(sink, master, lambda fraction: progress(STAGE, 0.5 + 0.5 * fraction))
    for _attempt in range(1, MAX_MIX_PASSES):
        shortfall = TARGET_LUFS - result.integrated_lufs
        if not math.isfinite(shortfall) or abs(shortfall) <= LOUDNESS_TOLERANCE_LU:
            break
        correction = max(
            -MAX_CORRECTION_DB, min(MAX_CORRECTION_DB, LIMITER_LOSS_FACTOR * shortfall)
        )
        master *= 10 ** (correction / 20)
        result = mixer.write(sink, master, lambda _fraction: None)
    return MixReport(
        integrated_lufs=result.integrated_lufs,
        true_peak_dbtp=result.true_peak_dbtp,
        speech_lufs=speech_lufs,
        music_lufs=music_lufs,
        music_gain_db=_db(music_gain),
        master_gain_db=_db(master),
        limited_fraction=result.limited_fraction,
        max_reduction_db=result.max_reduction_db,
        samples=total,
    )


@dataclass(frozen=True)
class _PassResult:
    integrated_lufs: float
    true_peak_dbtp: float
    limited_fraction: float
    max_reduction_db: float


class _FinalMix:
    """Pass 2: speech + ducked music bed, master gain, true-peak limiter, written in chunks."""

    def __init__(
        self,
        narration: StemFile,
        spans: list[tuple[int, int]],
        music_stem: StemFile | None,
        music_gain: float,
        total: int,
        sample_rate: int,
    ) -> None:
        self.narration = narration
        self.music_stem = music_stem
        self.music_gain = music_gain
        self.total = total
        self.sample_rate = sample_rate
        self.spans = spans

    def _mixed(self, lo: int, hi: int, master: float) -> FloatArray:
        mixed = np.repeat(self.narration.read(lo, hi), CHANNELS, axis=1)
        if self.music_stem is not None:
            duck = duck_envelope(self.spans, lo, hi, self.sample_rate)
            mixed += self.music_gain * (self.music_stem.read(lo, hi) * duck[:, None])
        mixed *= master
        return mixed

    def write(
        self, sink: SinkOpener, master: float, report: Callable[[float], None]
    ) -> _PassResult:
        ceiling = 10 ** (PEAK_CEILING_DBTP / 20)
        hold = max(1, round(LIMITER_HOLD_S * self.sample_rate))
        margin = 2 * hold + 64
        chunk = round(CHUNK_S * self.sample_rate)
        out_meter = LoudnessMeter(self.sample_rate, CHANNELS)
        true_peak = 0.0
        limited = 0
        lowest_gain = 1.0
        with sink() as out:
            for start in range(0, self.total, chunk):
                stop = min(self.total, start + chunk)
                lo, hi = max(0, start - margin), min(self.total, stop + margin)
                mixed = self._mixed(lo, hi, master)
                result = limit(mixed, ceiling, hold)
                inner = slice(start - lo, stop - lo)
                gain = result.gain[inner]
                final = np.ascontiguousarray((mixed[inner] * gain[:, None]).astype(np.float32))
                limited += int(np.count_nonzero(gain < LIMITED_GAIN))
                lowest_gain = min(lowest_gain, float(gain.min(initial=1.0)))
                if result.peaks is not None:
                    true_peak = max(true_peak, float(result.peaks[inner].max(initial=0.0)))
                elif float(np.abs(final).max(initial=0.0)) > true_peak * SAFE_TRUE_PEAK_MARGIN:
                    peaks = true_peak_per_sample(mixed)[inner]
                    true_peak = max(true_peak, float(peaks.max(initial=0.0)))
                out_meter.add(final)
                out.write(final.tobytes())
                report(stop / self.total)
        return _PassResult(
            integrated_lufs=out_meter.integrated_lufs(),
            true_peak_dbtp=_db(true_peak),
            limited_fraction=limited / self.total if self.total else 0.0,
            max_reduction_db=-_db(max(lowest_gain, 1e-6)),
        )
