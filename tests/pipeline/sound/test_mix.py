"""The film's sound: speech placement, ducking, loudness target and the peak limiter."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.media.loudness import LoudnessMeter, measure
from pipeline.sound.mix import (
    DUCK_DB,
    PEAK_CEILING_DBTP,
    TARGET_LUFS,
    SpeechTrack,
    duck_envelope,
    mix_film_audio,
)
from pipeline.sound.stems import write_music_stem
from pipeline.types import FILM_SAMPLE_RATE_HZ, Sentence, SpeechSpan, SpokenSentence
from tests.pipeline.render_media import SPEECH_RATE_HZ, music_chunks, speech_clip, speech_timeline

RATE = FILM_SAMPLE_RATE_HZ


def _read(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype=np.float32).reshape(-1, 2)


def test_speech_is_resampled_and_placed_at_its_span() -> None:
    sentence = Sentence(0, 0, "Hello.")
    clip = np.ones(SPEECH_RATE_HZ // 2, np.float32)
    track = SpeechTrack(
        [SpokenSentence(sentence, clip, SPEECH_RATE_HZ)], [SpeechSpan(sentence, 1.0, 1.5)], RATE
    )
    audio = track.render(0, 2 * RATE)
    assert np.abs(audio[: RATE - 50]).max() < 1e-3
    assert np.abs(audio[RATE + 200 : RATE + RATE // 2 - 200] - 1).max() < 0.02
    assert np.abs(audio[RATE + RATE // 2 + 50 :]).max() < 1e-3
    assert track.spans == [(RATE, RATE + RATE // 2)]
    pieces = np.concatenate([track.render(start, start + 999) for start in range(0, 2 * RATE, 999)])
    assert np.allclose(pieces[: 2 * RATE], audio)


def test_duck_envelope_dips_smoothly_under_speech() -> None:
    envelope = duck_envelope([(RATE, 2 * RATE)], 0, 4 * RATE, RATE)
    assert envelope[: RATE // 2].min() == pytest.approx(1.0)
    assert envelope[RATE : 2 * RATE].max() == pytest.approx(10 ** (-DUCK_DB / 20), rel=1e-4)
    assert envelope[-RATE // 4 :].min() == pytest.approx(1.0)
    assert np.abs(np.diff(envelope)).max() < 1e-4, "no clicks: the gain moves a little per sample"
    parts = np.concatenate(
        [duck_envelope([(RATE, 2 * RATE)], s, s + 1000, RATE) for s in range(0, 4 * RATE, 1000)]
    )
    assert np.allclose(parts, envelope)


def test_mix_hits_the_loudness_target_and_peak_ceiling(tmp_path: Path) -> None:
    timeline, spoken = speech_timeline(8.0, ())
    out = tmp_path / "mix.f32"
    stem = write_music_stem(music_chunks(8.0), 8.0, tmp_path / "stem.f32")
    report = mix_film_audio(SpeechTrack(spoken, timeline.speech, RATE), stem, 8.0, out)
    audio = _read(out)
    assert len(audio) == 8 * RATE
    loudness, peak = measure(audio, RATE)
    assert loudness == pytest.approx(TARGET_LUFS, abs=0.5)
    assert peak <= PEAK_CEILING_DBTP + 0.1
    assert report.integrated_lufs == pytest.approx(loudness, abs=0.01)
    assert report.true_peak_dbtp == pytest.approx(peak, abs=0.2)
    assert report.music_gain_db < 0
    assert stem is not None and stem.stat().st_size == 8 * RATE * 2 * 4, "the stem is kept"


def test_music_is_ducked_under_speech_and_rises_between_sentences(tmp_path: Path) -> None:
    timeline, spoken = speech_timeline(8.0, (), sentence_s=1.5, gap_s=2.5)
    out = tmp_path / "mix.f32"
    silent = [SpokenSentence(s.sentence, np.zeros_like(s.audio), s.sample_rate) for s in spoken]
    stem = write_music_stem(music_chunks(8.0), 8.0, tmp_path / "stem.f32")
    mix_film_audio(SpeechTrack(silent, timeline.speech, RATE), stem, 8.0, out)
    music_only = _read(out)
    first = timeline.speech[0]

    def level(start_s: float, end_s: float) -> float:
        part = music_only[round(start_s * RATE) : round(end_s * RATE)]
        return 20 * math.log10(float(np.sqrt(np.mean(part**2))))

    under = level(first.start_s + 0.3, first.end_s - 0.3)
    between = level(first.end_s + 0.9, timeline.speech[1].start_s - 0.4)
    assert between - under == pytest.approx(DUCK_DB, abs=1.0)


def test_speech_alone_and_no_music(tmp_path: Path) -> None:
    timeline, spoken = speech_timeline(6.0, ())
    out = tmp_path / "mix.f32"
    report = mix_film_audio(SpeechTrack(spoken, timeline.speech, RATE), None, 6.0, out)
    assert report.integrated_lufs == pytest.approx(TARGET_LUFS, abs=0.5)
    assert math.isinf(report.music_lufs)
    meter = LoudnessMeter(RATE, 2)
    meter.add(_read(out))
    assert meter.integrated_lufs() == pytest.approx(report.integrated_lufs, abs=1e-6)


def test_progress_covers_the_mix_and_can_cancel(tmp_path: Path) -> None:
    timeline, spoken = speech_timeline(6.0, ())
    seen: list[float] = []
    stem = write_music_stem(music_chunks(6.0), 6.0, tmp_path / "stem.f32")
    mix_film_audio(
        SpeechTrack(spoken, timeline.speech, RATE),
        stem,
        6.0,
        tmp_path / "a.f32",
        lambda _stage, fraction: seen.append(fraction),
    )
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)

    def cancel(_stage: str, fraction: float) -> None:
        if fraction > 0.3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        mix_film_audio(
            SpeechTrack(spoken, timeline.speech, RATE), stem, 6.0, tmp_path / "b.f32", cancel
        )


def test_clip_levels_do_not_matter(tmp_path: Path) -> None:
    sentence = Sentence(0, 0, "Quiet.")
    quiet = speech_clip(3.0, level=0.01)
    span = SpeechSpan(sentence, 0.5, 3.5)
    report = mix_film_audio(
        SpeechTrack([SpokenSentence(sentence, quiet, SPEECH_RATE_HZ)], [span], RATE),
        None,
        4.0,
        tmp_path / "q.f32",
    )
    assert report.integrated_lufs == pytest.approx(TARGET_LUFS, abs=0.5)


def test_music_stem_is_cut_or_padded_to_the_film(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    long_stem = write_music_stem(music_chunks(6.0), 4.0, tmp_path / "long.f32")
    short_stem = write_music_stem(
        music_chunks(2.0), 4.0, tmp_path / "short.f32", lambda *step: seen.append(step)
    )
    assert long_stem is not None and short_stem is not None
    long_audio, short_audio = _read(long_stem), _read(short_stem)
    assert len(long_audio) == len(short_audio) == 4 * RATE
    assert np.allclose(long_audio, np.concatenate(list(music_chunks(6.0)))[: 4 * RATE])
    assert np.abs(short_audio[: 2 * RATE]).max() > 0.01
    assert not short_audio[2 * RATE :].any(), "padded with silence"
    assert seen[-1] == ("music", 0.5) and [f for _s, f in seen] == sorted(f for _s, f in seen)


def test_silent_or_cancelled_music_leaves_no_stem(tmp_path: Path) -> None:
    silent = [np.zeros((RATE, 2), np.float32)] * 3
    assert write_music_stem(silent, 3.0, tmp_path / "silent.f32") is None
    assert write_music_stem(None, 3.0, tmp_path / "none.f32") is None

    def cancel(_stage: str, fraction: float) -> None:
        if fraction > 0.3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_music_stem(music_chunks(6.0), 6.0, tmp_path / "cancelled.f32", cancel)
    assert list(tmp_path.iterdir()) == []
