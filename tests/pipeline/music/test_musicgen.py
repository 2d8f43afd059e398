"""MusicGen backend with a tiny seeded MusicGen loaded through the real from_pretrained path."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.music import musicgen, shaping
from pipeline.testing.tiny_musicgen import write_tiny_musicgen

FILM_RATE_HZ = 48_000
# Windows of 1 s with a 0.4 s audio-prompt context: 2.5 s of music takes four windows.
TEST_SETTINGS = musicgen.MusicGenSettings(window_s=1.0, context_s=0.4, crossfade_s=0.1)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_musicgen(tmp_path_factory.mktemp("musicgen"))


def make_music(
    model_dir: Path, seed: int, duration_s: float = 2.5, chunk_s: float = 1.0
) -> list[np.ndarray]:
    return list(
        musicgen.music_chunks(
            model_dir,
            "cinematic",
            duration_s,
            FILM_RATE_HZ,
            seed,
            prompt="Cinematic orchestral music",
            chunk_s=chunk_s,
            settings=TEST_SETTINGS,
        )
    )


def test_prompt_combines_free_text_and_style() -> None:
    prompt = musicgen.build_prompt("cinematic", "Cinematic orchestral music")
    assert prompt.startswith("Cinematic orchestral music; ")
    assert musicgen.STYLE_PROMPTS["cinematic"] in prompt
    assert musicgen.build_prompt("sloka") == musicgen.STYLE_PROMPTS["devotional"]
    assert musicgen.build_prompt(None, "solo sitar at dawn") == "solo sitar at dawn"


@pytest.mark.parametrize(
    ("style", "prompt", "message"),
    [("none", None, "no music"), ("polka", None, "not known"), (None, "  ", "style or a prompt")],
)
def test_bad_style_is_an_input_error(style: str | None, prompt: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        musicgen.build_prompt(style, prompt)


def test_missing_weights_raise_before_any_audio(tmp_path: Path) -> None:
    assert not musicgen.is_available(tmp_path)
    assert "config.json" in musicgen.missing_files(tmp_path)
    with pytest.raises(BackendUnavailableError, match="MusicGen weights"):
        musicgen.music_chunks(tmp_path, "ambient", 5.0, FILM_RATE_HZ, seed=1)


def test_complete_folder_is_available(model_dir: Path) -> None:
    assert musicgen.missing_files(model_dir) == []
    assert musicgen.load_musicgen(model_dir) is musicgen.load_musicgen(model_dir)


def test_chunks_are_stereo_float32_of_exact_length(model_dir: Path) -> None:
    reports: list[float] = []
    chunks = musicgen.music_chunks(
        model_dir,
        "ambient",
        2.5,
        FILM_RATE_HZ,
        seed=3,
        chunk_s=1.0,
        settings=TEST_SETTINGS,
        progress=lambda stage, fraction: reports.append(fraction),
    )
    shapes = [chunk.shape for chunk in chunks]
    assert shapes == [(48_000, 2), (48_000, 2), (24_000, 2)]
    assert len(reports) == 4  # one window, then three continuations
    assert reports[-1] == 1.0


def test_music_is_finite_limited_and_faded(model_dir: Path) -> None:
    audio = np.concatenate(make_music(model_dir, seed=5))
    assert audio.dtype == np.float32
    assert np.isfinite(audio).all()
    assert float(np.max(np.abs(audio))) <= shaping.PEAK_CEILING + 1e-6
    assert float(np.max(np.abs(audio[:8]))) < 0.05  # fade-in, no click
    assert float(np.max(np.abs(audio[-8:]))) < 0.05  # fade-out at the very end
    assert float(np.std(audio[FILM_RATE_HZ // 2 : -FILM_RATE_HZ // 2])) > 1e-3


def test_same_seed_same_music_other_seed_other_music(model_dir: Path) -> None:
    first = np.concatenate(make_music(model_dir, seed=11))
    again = np.concatenate(make_music(model_dir, seed=11))
    other = np.concatenate(make_music(model_dir, seed=12))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_chunk_size_does_not_change_the_music(model_dir: Path) -> None:
    whole = np.concatenate(make_music(model_dir, seed=4, chunk_s=10.0))
    pieces = np.concatenate(make_music(model_dir, seed=4, chunk_s=0.3))
    np.testing.assert_array_equal(whole, pieces)


def test_loudness_matcher_reaches_the_target() -> None:
    rate = FILM_RATE_HZ
    t = np.arange(3 * rate) / rate
    tone = (0.05 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    matcher = shaping.LoudnessMatcher(rate, target_lufs=-20.0)
    matched = matcher.apply(stereo)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(matched.astype(np.float64))
    assert loudness == pytest.approx(-20.0, abs=0.2)


def test_loudness_matcher_respects_the_peak_ceiling() -> None:
    rate = FILM_RATE_HZ
    rng = np.random.default_rng(0)
    clicks = np.zeros((rate, 2), dtype=np.float32)
    clicks[rng.integers(0, rate, 20)] = 0.9
    quiet_then_loud = shaping.LoudnessMatcher(rate, target_lufs=-10.0)
    out = quiet_then_loud.apply(clicks)
    assert float(np.max(np.abs(out))) <= shaping.PEAK_CEILING + 1e-6


def test_window_seeds_are_distinct_and_reproducible() -> None:
    seeds = [shaping.window_seed(42, window) for window in range(5)]
    assert len(set(seeds)) == 5
    assert seeds == [shaping.window_seed(42, window) for window in range(5)]


class ContinuingTone:
    """Stands in for the model's sampling to check the window assembly exactly: each window
    continues one endless tone from where the audio prompt ends, like MusicGen continuing
    its prompt, so the assembled track must be that tone without a seam."""

    def __init__(self, sample_rate: int, hop: int) -> None:
        self.rate, self.hop, self.end = sample_rate, hop, 0

    def tone(self, start: int, stop: int) -> np.ndarray:
        t = np.arange(start, stop) / self.rate
        return (0.3 * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)[None, :]

    def __call__(self, loaded, text, audio_prompt, new_frames, seed, settings):  # type: ignore[no-untyped-def]
        context = 0 if audio_prompt is None else audio_prompt.shape[1]
        start, self.end = self.end - context, self.end + new_frames * self.hop
        return self.tone(start, self.end)


def test_windows_join_without_a_seam(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = musicgen.load_musicgen(model_dir)
    tone = ContinuingTone(loaded.sample_rate, loaded.hop)
    monkeypatch.setattr(musicgen, "_generate_window", tone)
    audio = np.concatenate(make_music(model_dir, seed=1, duration_s=3.0))
    expected = shaping.to_film_rate(
        tone.tone(0, loaded.sample_rate * 3), Fraction(FILM_RATE_HZ, loaded.sample_rate)
    )
    middle = slice(FILM_RATE_HZ // 4, -FILM_RATE_HZ // 2)  # away from the track fades
    gain = float(np.std(audio[middle]) / np.std(expected[middle]))
    np.testing.assert_allclose(audio[middle], gain * expected[middle], atol=2e-3)


def test_registry_files_make_a_complete_folder(tmp_path: Path) -> None:
    from pipeline.neural import registry

    folder = musicgen.default_folder(tmp_path)
    for item in registry.MUSICGEN_SMALL.required_files:
        (folder / item.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / item.path).write_bytes(b"x")
    assert musicgen.is_available(folder)


def test_stereo_musicgen_gives_two_distinct_channels(tmp_path: Path) -> None:
    stereo_dir = write_tiny_musicgen(tmp_path / "stereo", channels=2)
    audio = np.concatenate(
        list(
            musicgen.music_chunks(
                stereo_dir, "upbeat", 2.0, FILM_RATE_HZ, seed=2, settings=TEST_SETTINGS
            )
        )
    )
    assert audio.shape == (96_000, 2)
    assert not np.allclose(audio[:, 0], audio[:, 1])
