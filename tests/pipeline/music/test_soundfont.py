"""Tests for pipeline.music.soundfont: the styles played by a General MIDI soundfont.

They use the soundfont the Makefile installs (Debian's musescore-general-soundfont-small,
or fluid-soundfont-gm) through the real TinySoundFont, and are skipped where none is.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from pipeline.backends import BackendChoice, StageBackends
from pipeline.media.loudness import measure
from pipeline.music.arrangements import ARRANGEMENTS
from pipeline.music.select import WAVETABLE
from pipeline.music.soundfont import (
    TARGET_LUFS,
    _stream,
    _synth,
    played_keys,
    soundfont_chunks,
    style_presets,
)
from pipeline.music.soundfont_subset import subset_soundfont
from pipeline.music.styles import music_chunks
from pipeline.neural.soundfonts import SOUNDFONTS, SoundFontSpec, installed_soundfont

INSTALLED = installed_soundfont()
pytestmark = pytest.mark.skipif(
    INSTALLED is None, reason="no General MIDI soundfont installed (make soundfont)"
)
STYLES = tuple(ARRANGEMENTS)
RATE = 48_000
LOW_RATE = 16_000


def _font() -> Path:
    assert INSTALLED is not None
    return INSTALLED.path


def _joined(chunks: list[npt.NDArray[np.float32]]) -> npt.NDArray[np.float32]:
    return np.concatenate(chunks) if chunks else np.zeros((0, 2), np.float32)


def test_the_known_soundfonts_are_mit_licensed_for_commercial_use() -> None:
    assert {spec.package for spec in SOUNDFONTS} == {
        "musescore-general-soundfont-small",
        "fluid-soundfont-gm",
    }
    assert all(spec.licence.startswith("MIT") for spec in SOUNDFONTS)
    assert all(spec.commercial_use == "yes" for spec in SOUNDFONTS)


@pytest.mark.parametrize("style", STYLES)
def test_each_style_gives_exactly_the_requested_samples(style: str) -> None:
    chunks = list(soundfont_chunks(_font(), style, 3.33, LOW_RATE, seed=1, chunk_s=1.0))
    assert [len(c) for c in chunks] == [16_000, 16_000, 16_000, 5_280]
    audio = _joined(chunks)
    assert audio.dtype == np.float32
    assert float(np.abs(audio).max()) <= 1.0
    assert not np.array_equal(audio[:, 0], audio[:, 1])  # panned parts: a stereo image
    assert np.abs(audio[:10]).max() < 1e-3  # faded in and out like the wavetable styles
    assert np.abs(audio[-10:]).max() < 1e-3


@pytest.mark.parametrize("style", STYLES)
def test_deterministic_and_bit_identical_whatever_the_chunk_size(style: str) -> None:
    whole = _joined(list(soundfont_chunks(_font(), style, 8.0, LOW_RATE, seed=11, chunk_s=10.0)))
    for chunk_s in (0.37, 0.25, 1.0):
        pieces = list(soundfont_chunks(_font(), style, 8.0, LOW_RATE, seed=11, chunk_s=chunk_s))
        assert np.array_equal(_joined(pieces), whole)  # no seam at any chunk boundary
    other_seed = _joined(list(soundfont_chunks(_font(), style, 8.0, LOW_RATE, seed=12)))
    assert not np.allclose(other_seed, whole, atol=1e-3)
    wavetable = _joined(list(music_chunks(style, 8.0, LOW_RATE, seed=11)))
    assert not np.allclose(wavetable, whole, atol=1e-2)


@pytest.mark.parametrize("style", STYLES)
def test_level_matches_the_wavetable_styles(style: str) -> None:
    audio = _joined(list(soundfont_chunks(_font(), style, 40.0, RATE, seed=5, chunk_s=3.0)))
    loudness, peak_db = measure(audio, RATE)
    assert loudness == pytest.approx(TARGET_LUFS, abs=2.0)
    assert peak_db < -1.0
    wavetable = _joined(list(music_chunks(style, 40.0, RATE, seed=5, chunk_s=3.0)))
    assert loudness == pytest.approx(measure(wavetable, RATE)[0], abs=3.0)


def test_memory_stays_flat_for_a_long_film() -> None:
    # The film's cut of the soundfont is loaded (and its level measured) before the stream is
    # returned; streaming ten minutes then holds no more than a few chunks.
    chunks = soundfont_chunks(_font(), "upbeat", 600.0, 8_000, seed=1, chunk_s=3.0)
    tracemalloc.start()
    count = sum(len(chunk) for chunk in chunks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 600 * 8_000
    whole_film_bytes = 600 * 8_000 * 2 * 4
    assert peak < whole_film_bytes / 8


def test_auto_plays_the_installed_soundfont_and_none_the_wavetable() -> None:
    auto = StageBackends(BackendChoice())
    played = _joined(list(auto.music_chunks("sloka", 3.0, LOW_RATE, seed=2, chunk_s=1.0)))
    assert auto.music.instruments == f"soundfont:{_font().name}"
    assert auto.record()["music_instruments"] == f"soundfont:{_font().name}"
    assert auto.used["music"] == "procedural" and auto.warnings == []
    direct = _joined(list(soundfont_chunks(_font(), "devotional", 3.0, LOW_RATE, 2, 1.0)))
    assert np.array_equal(played, direct)

    off = StageBackends(BackendChoice(soundfont="none"))
    list(off.music_chunks("ambient", 1.0, LOW_RATE, seed=2, chunk_s=1.0))
    assert off.music.instruments == WAVETABLE and off.warnings == []


def test_a_named_soundfont_that_is_missing_or_broken_falls_back_once(tmp_path: Path) -> None:
    missing = StageBackends(BackendChoice(soundfont=str(tmp_path / "nowhere.sf2")))
    for _ in range(2):
        audio = _joined(list(missing.music_chunks("ambient", 2.0, LOW_RATE, 3, 1.0)))
        assert audio.shape == (2 * LOW_RATE, 2)
    assert missing.music.instruments == WAVETABLE
    assert len(missing.warnings) == 1
    assert "nowhere.sf2 does not exist" in missing.warnings[0]

    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF\x04\x00\x00\x00sfbk")
    stages = StageBackends(BackendChoice(soundfont=str(broken)))
    audio = _joined(list(stages.music_chunks("upbeat", 2.0, LOW_RATE, 3, 1.0)))
    assert audio.shape == (2 * LOW_RATE, 2)
    assert stages.music.instruments == WAVETABLE
    assert len(stages.warnings) == 1 and "broken.sf2 cannot be read" in stages.warnings[0]


@pytest.mark.parametrize("spec", [s for s in SOUNDFONTS if s.path.is_file()], ids=lambda s: s.name)
def test_the_cut_down_soundfont_sounds_the_same_and_holds_far_less(spec: SoundFontSpec) -> None:
    native = pytest.importorskip("tinysoundfont._tinysoundfont")
    data = spec.path.read_bytes()
    small = subset_soundfont(data, style_presets())
    assert len(small) < 0.5 * len(data)
    whole, cut = native.SoundFont(data), native.SoundFont(small)
    for style, arrange in ARRANGEMENTS.items():
        arrangement = arrange(3)
        renders = [
            _joined(list(_stream(_synth(font, arrangement, RATE), arrangement, 6 * RATE, RATE)))
            for font in (whole, cut)
        ]
        assert np.abs(renders[0]).max() > 0.01, style
        difference = np.abs(renders[0] - renders[1]).max(axis=1)
        # The same notes from the same samples: only floating-point rounding of the sample
        # positions differs, and the odd first sample of a drum hit interpolated from its
        # neighbour in memory.
        assert np.count_nonzero(difference > 1e-4) < 0.001 * len(difference), style
        assert difference.max() < 0.02, style


def test_a_preset_the_styles_do_not_play_is_left_out() -> None:
    data = _font().read_bytes()
    only_piano = subset_soundfont(data, {(0, 0)})
    assert len(only_piano) < len(subset_soundfont(data, style_presets()))


@pytest.mark.parametrize("style", STYLES)
def test_cut_to_the_keys_a_film_plays_it_sounds_the_same_and_holds_less(style: str) -> None:
    native = pytest.importorskip("tinysoundfont._tinysoundfont")
    data = _font().read_bytes()
    arrangement = ARRANGEMENTS[style](3)
    keys = dict(played_keys(arrangement, 6.0))
    assert keys and any(keys.values())
    presets = list(keys)
    by_preset, by_key = subset_soundfont(data, presets), subset_soundfont(data, presets, keys)
    assert len(by_key) < len(by_preset)
    renders = [
        _joined(
            list(
                _stream(
                    _synth(native.SoundFont(font), arrangement, RATE), arrangement, 6 * RATE, RATE
                )
            )
        )
        for font in (by_preset, by_key)
    ]
    assert np.abs(renders[0]).max() > 0.01
    difference = np.abs(renders[0] - renders[1]).max(axis=1)
    # The same samples play the same notes (see the test above for the rounding allowed).
    assert np.count_nonzero(difference > 1e-4) < 0.001 * len(difference)
    assert difference.max() < 0.02
    # A key no note plays loses its zones: only the played keys' samples are kept.
    assert subset_soundfont(data, presets, {preset: () for preset in presets}) != by_key
