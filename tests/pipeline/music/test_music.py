"""Tests for pipeline.music.styles: synthesised styles and user tracks, chunked, click-free."""

from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from scipy import signal

from pipeline.errors import InputError
from pipeline.music.choice import MusicChoice
from pipeline.music.styles import STYLES, generate, music_chunks
from pipeline.music.track import track_chunks

SYNTH_STYLES = ("cinematic", "ambient", "upbeat", "devotional")
SMOOTH_STYLES = ("cinematic", "ambient", "devotional")  # no noise percussion
RATE = 48_000
LOW_RATE = 16_000

CLICK_CUTOFF_HZ = 16_000.0
CLICK_WINDOW_S = 0.001
CLICK_THRESHOLD = 3e-4
"""A click is a 1 ms window whose energy above 16 kHz exceeds -70 dBFS RMS: the styles and
test tones put nothing up there, while any step in the waveform spreads energy to Nyquist."""


def _clicks(audio: npt.NDArray[np.float32], sample_rate: int) -> list[float]:
    """Times (s) of 1 ms windows with high-frequency bursts: discontinuities."""
    mono = audio.astype(np.float64).mean(axis=1)
    sos = signal.butter(8, CLICK_CUTOFF_HZ, "highpass", fs=sample_rate, output="sos")
    high = signal.sosfilt(sos, mono)
    window = round(CLICK_WINDOW_S * sample_rate)
    count = len(high) // window
    energy = np.sqrt((high[: count * window].reshape(count, window) ** 2).mean(axis=1))
    return [float(i * CLICK_WINDOW_S) for i in np.flatnonzero(energy > CLICK_THRESHOLD)]


def _joined(chunks: list[npt.NDArray[np.float32]]) -> npt.NDArray[np.float32]:
    return np.concatenate(chunks) if chunks else np.zeros((0, 2), np.float32)


def _write_wav(path: Path, samples: npt.NDArray[np.float64], sample_rate: int) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        file.setsampwidth(2)
        file.setframerate(sample_rate)
        file.writeframes(pcm.tobytes())
    return path


def _encode(path: Path, samples: npt.NDArray[np.float64], sample_rate: int, codec: str) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=sample_rate, layout="mono")
        assert isinstance(stream, av.AudioStream)
        frame = av.AudioFrame.from_ndarray(
            samples.astype(np.float32)[None, :], format="flt", layout="mono"
        )
        frame.sample_rate = sample_rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def _tone(seconds: float, sample_rate: int, freq: float = 220.7) -> npt.NDArray[np.float64]:
    """A soft organ-like tone with no energy near Nyquist; not a whole number of cycles."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    return 0.3 * np.sin(2 * np.pi * freq * t) + 0.1 * np.sin(2 * np.pi * 2 * freq * t)


# --- styles --------------------------------------------------------------------------------


def test_styles_offered() -> None:
    assert STYLES == ("cinematic", "ambient", "upbeat", "devotional", "sloka", "none")


@pytest.mark.parametrize("style", SYNTH_STYLES)
def test_each_style_gives_exactly_the_requested_samples_of_stereo_music(style: str) -> None:
    chunks = list(music_chunks(style, 3.33, LOW_RATE, seed=1, chunk_s=1.0))
    assert [len(c) for c in chunks] == [16_000, 16_000, 16_000, 5_280]
    audio = _joined(chunks)
    assert audio.dtype == np.float32
    assert audio.shape == (round(3.33 * LOW_RATE), 2)
    assert float(np.abs(audio).max()) <= 1.0
    level_db = 20 * np.log10(np.sqrt(np.mean(audio[LOW_RATE:] ** 2)))
    assert -35 < level_db < -12
    assert not np.array_equal(audio[:, 0], audio[:, 1])  # a stereo image, not dual mono
    # Fades: silent at the very start and end.
    assert np.abs(audio[:10]).max() < 1e-3
    assert np.abs(audio[-10:]).max() < 1e-3


def test_none_is_silence_of_the_right_length() -> None:
    audio = _joined(list(music_chunks("none", 2.5, LOW_RATE, seed=0)))
    assert audio.shape == (40_000, 2)
    assert not audio.any()


@pytest.mark.parametrize("style", SYNTH_STYLES)
def test_music_is_deterministic_and_independent_of_chunk_size(style: str) -> None:
    whole = _joined(list(music_chunks(style, 6.0, LOW_RATE, seed=11, chunk_s=10.0)))
    pieces = _joined(list(music_chunks(style, 6.0, LOW_RATE, seed=11, chunk_s=0.37)))
    np.testing.assert_allclose(pieces, whole, atol=1e-6)
    again = _joined(list(music_chunks(style, 6.0, LOW_RATE, seed=11)))
    assert np.array_equal(again, whole)
    other_seed = _joined(list(music_chunks(style, 6.0, LOW_RATE, seed=12)))
    assert not np.allclose(other_seed, whole, atol=1e-3)


def test_sloka_is_the_devotional_style() -> None:
    sloka = generate("sloka", 3.0, LOW_RATE, seed=4)
    devotional = generate("devotional", 3.0, LOW_RATE, seed=4)
    assert np.array_equal(sloka, devotional)


@pytest.mark.parametrize("style", SMOOTH_STYLES)
def test_styles_have_no_clicks_even_across_small_chunks(style: str) -> None:
    audio = _joined(list(music_chunks(style, 10.0, RATE, seed=3, chunk_s=0.25)))
    assert _clicks(audio, RATE) == []
    # The detector does see a discontinuity: splice the music half a cycle out of step.
    spliced = audio.copy()
    spliced[5 * RATE :] = audio[5 * RATE - 60 : -60]
    found = _clicks(spliced, RATE)
    assert found
    assert all(abs(t - 5.0) < 0.01 for t in found)


def test_devotional_drone_never_drops_out() -> None:
    audio = generate("devotional", 16.0, LOW_RATE, seed=2)[:, 0]
    body = audio[3 * LOW_RATE : 12 * LOW_RATE]
    seconds = body.reshape(-1, LOW_RATE)
    levels = np.sqrt((seconds.astype(np.float64) ** 2).mean(axis=1))
    assert levels.min() > 0.35 * levels.max()
    # A drone: the strongest low partial stays put from second to second.
    peaks = {int(np.argmax(np.abs(np.fft.rfft(second))[50:400])) for second in seconds}
    assert len(peaks) <= 3


def test_memory_stays_flat_for_a_long_film() -> None:
    tracemalloc.start()
    count = sum(len(chunk) for chunk in music_chunks("cinematic", 600.0, 8_000, seed=1))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 600 * 8_000
    whole_film_bytes = 600 * 8_000 * 2 * 4
    assert peak < whole_film_bytes / 4


def test_unknown_style_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Music style 'polka' is not available"):
        music_chunks("polka", 5.0, LOW_RATE, seed=0)


def test_free_text_music_is_a_track_or_a_style(tmp_path: Path) -> None:
    assert MusicChoice.parse("theme.MP3") == MusicChoice.from_track(Path("theme.MP3"))
    assert MusicChoice.parse("/uploads/song.ogg").track == Path("/uploads/song.ogg")
    existing = tmp_path / "take"
    existing.write_bytes(b"RIFF")
    assert MusicChoice.parse(str(existing)).track == existing
    assert MusicChoice.parse("cinematic") == MusicChoice.named("cinematic")
    assert MusicChoice.parse("Sloka").label == "devotional"
    assert MusicChoice.parse("none").is_silent
    with pytest.raises(InputError, match="Music style 'polka' is not available"):
        MusicChoice.parse("polka")
    with pytest.raises(InputError, match="not both"):
        MusicChoice(style="ambient", track=existing)


# --- user tracks ---------------------------------------------------------------------------


def test_a_short_track_loops_seamlessly_to_fill_the_film(tmp_path: Path) -> None:
    track = _write_wav(tmp_path / "loop.wav", _tone(2.3, 44_100), 44_100)
    chunks = list(track_chunks(track, 9.0, RATE, chunk_s=0.7))
    audio = _joined(chunks)
    assert audio.shape == (9 * RATE, 2)
    assert np.array_equal(audio[:, 0], audio[:, 1])  # mono source, both channels
    assert _clicks(audio, RATE) == []
    # Playing the loop naively (back to back) does click at each seam.
    naive = np.tile(_tone(2.3, RATE), 4)[:, None].repeat(2, axis=1).astype(np.float32)
    assert _clicks(naive, RATE)
    # Level holds through the seams (equal-power crossfade), away from the fades.
    body = audio[RATE : 6 * RATE, 0].astype(np.float64)
    levels = np.sqrt((body.reshape(-1, RATE // 10) ** 2).mean(axis=1))
    assert levels.min() > 0.8 * levels.max()
    # Chunk size changes nothing.
    whole = _joined(list(track_chunks(track, 9.0, RATE, chunk_s=30.0)))
    np.testing.assert_allclose(audio, whole, atol=1e-6)


def test_a_long_track_is_trimmed_with_a_fade_out(tmp_path: Path) -> None:
    track = _write_wav(tmp_path / "long.wav", _tone(6.0, 22_050), 22_050)
    audio = _joined(list(track_chunks(track, 2.0, LOW_RATE)))
    assert audio.shape == (2 * LOW_RATE, 2)
    assert np.abs(audio[-5:]).max() < 2e-3
    assert np.abs(audio[: LOW_RATE // 2]).max() > 0.2  # the fade-out is at the end only
    spectrum = np.abs(np.fft.rfft(audio[:, 0]))
    assert abs(np.argmax(spectrum) / 2.0 - 220.7) < 1.0  # resampled, pitch kept


@pytest.mark.parametrize(("name", "codec"), [("song.mp3", "mp3"), ("song.ogg", "libopus")])
def test_compressed_tracks_are_decoded(tmp_path: Path, name: str, codec: str) -> None:
    rate = 48_000 if codec == "libopus" else 44_100
    track = _encode(tmp_path / name, _tone(3.0, rate), rate, codec)
    audio = _joined(list(track_chunks(track, 4.0, LOW_RATE)))
    assert audio.shape == (4 * LOW_RATE, 2)
    assert 0.1 < float(np.abs(audio[LOW_RATE : 2 * LOW_RATE]).max()) < 1.0


def test_bad_tracks_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        track_chunks(tmp_path / "missing.mp3", 5.0, LOW_RATE)
    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(b"this is not audio at all " * 200)
    with pytest.raises(InputError, match=r"garbage\.mp3"):
        track_chunks(garbage, 5.0, LOW_RATE)
    image = tmp_path / "picture.wav"
    pil_image = pytest.importorskip("PIL.Image")
    pil_image.new("RGB", (32, 32)).save(image, format="PNG")
    with pytest.raises(InputError, match=r"picture\.wav"):
        track_chunks(image, 5.0, LOW_RATE)
    blip = _write_wav(tmp_path / "blip.wav", _tone(0.2, 16_000), 16_000)
    with pytest.raises(InputError, match="under 1 second"):
        track_chunks(blip, 5.0, LOW_RATE)


def test_a_track_is_looped_to_the_length(tmp_path: Path) -> None:
    track = _write_wav(tmp_path / "theme.wav", _tone(1.5, 16_000), 16_000)
    audio = np.concatenate(list(track_chunks(track, 3.0, LOW_RATE)))
    assert audio.shape == (3 * LOW_RATE, 2)


def test_track_memory_stays_flat_for_a_long_film(tmp_path: Path) -> None:
    track = _write_wav(tmp_path / "minute.wav", _tone(60.0, 8_000), 8_000)
    tracemalloc.start()
    count = sum(len(chunk) for chunk in track_chunks(track, 600.0, 8_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 600 * 8_000
    assert peak < 600 * 8_000 * 2 * 4 / 4
