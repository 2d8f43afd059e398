"""Whole films with every neural backend switched on, using tiny seeded models built in code
(piper voice, MusicGen, Stable Video Diffusion, Wav2Lip-shaped ONNX graph); and the fallbacks
when their weights are missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from pipeline.backends import BackendChoice
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.media.probe import measure_loudness, probe
from pipeline.music.choice import MusicChoice
from pipeline.music.musicgen import MusicGenSettings
from pipeline.neural.registry import MUSICGEN_SMALL, SVD_IMG2VID_XT, WAV2LIP, model_path
from pipeline.picture.image_to_video import VideoSettings, clip_seed, shot_seed
from pipeline.speech import kokoro_model
from pipeline.speech.kokoro_choice import kokoro_is_default, voice_vectors
from pipeline.testing.faces import draw_face
from pipeline.testing.tiny_musicgen import write_tiny_musicgen
from pipeline.testing.tiny_piper import write_tiny_voice
from pipeline.testing.tiny_video import write_tiny_video_pipeline
from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip
from tests.pipeline.render_media import write_picture

pytest.importorskip("onnxruntime")
pytest.importorskip("diffusers")
pytest.importorskip("piper")

SMALL = (320, 180)
DURATION_S = 14.0
SEED = 3
SCREENPLAY = """The lighthouse stood alone on the cliff above the grey sea.

MAYA: Is anyone up there? I saw your light.

RAVI: Come in out of the rain."""
PIPER_VOICE = "en_US-amy-medium"
"""The registry's piper voice for English, female."""
STRONG_CHANGE = 60
"""A pixel channel moved by more than this was repainted (re-encoding moves edges by < 20)."""

TINY_VIDEO = VideoSettings(steps=2, pixel_area=64 * 32, size_multiple=16, decode_chunk_size=4)
TINY_MUSIC = MusicGenSettings(window_s=4.0, context_s=1.0, crossfade_s=0.2)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MODEL_DIR laid out as `filmstudio models download` leaves it, with tiny models."""
    folder = tmp_path_factory.mktemp("models")
    write_tiny_voice(folder / "piper", PIPER_VOICE)
    write_tiny_musicgen(model_path(MUSICGEN_SMALL, folder), seed=1)
    write_tiny_video_pipeline(model_path(SVD_IMG2VID_XT, folder), seed=2)
    build_tiny_wav2lip(model_path(WAV2LIP, folder), seed=4)
    return folder


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("images")
    sea = write_picture(folder / "sea.png", 480, 270, 3)
    maya = folder / "Maya.png"
    Image.fromarray(draw_face(240, 320, cx=120, cy=130, size=70)).save(maya)
    ravi = write_picture(folder / "Ravi.png", 300, 400, 5)  # no face in it
    return sea, maya, ravi


def _request(images: tuple[Path, ...], backends: BackendChoice) -> FilmRequest:
    return FilmRequest(
        script=SCREENPLAY,
        images=images,
        voice="female",
        duration_s=DURATION_S,
        music=MusicChoice.named("cinematic"),
        music_prompt="calm piano",
        size=SMALL,
        seed=SEED,
        backends=backends,
    )


def _neural(model_dir: Path, video: str = "svd", lipsync: str = "wav2lip") -> BackendChoice:
    return BackendChoice(
        tts="piper",
        music="musicgen",
        video=video,  # type: ignore[arg-type]
        lipsync=lipsync,  # type: ignore[arg-type]
        model_dir=model_dir,
        device="cpu",
        video_settings=TINY_VIDEO,
        music_settings=TINY_MUSIC,
    )


def _frame(path: Path, index: int) -> np.ndarray:
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number == index:
                return np.asarray(frame.to_ndarray(format="rgb24"))
    raise AssertionError(f"{path} has no frame {index}")


def _check_media(result: FilmResult) -> None:
    facts = probe(result.video)
    video, audio = facts.video, facts.audio
    assert video is not None and audio is not None
    assert facts.duration_s == pytest.approx(DURATION_S, rel=0.02)
    assert (video.codec, video.profile, video.pix_fmt) == ("h264", "High", "yuv420p")
    assert (video.width, video.height) == SMALL
    assert video.constant_frame_rate and video.frames == round(DURATION_S * 30)
    assert (audio.codec, audio.sample_rate, audio.channels) == ("aac", 48_000, 2)
    assert facts.faststart
    loudness = measure_loudness(result.video)
    assert loudness.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert loudness.true_peak_dbtp <= -1.0


def test_a_film_with_every_neural_backend(
    model_dir: Path, images: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    result = render_film(_request(images, _neural(model_dir)), tmp_path / "neural")
    _check_media(result)
    record: dict[str, Any] = json.loads(result.report.read_text(encoding="utf-8"))
    backends = record["backends"]
    assert backends == result.backends
    assert backends["chosen"] == {
        "tts": "piper",
        "music": "musicgen",
        "video": "svd",
        "lipsync": "wav2lip",
    }
    assert backends["used"] == {
        "tts": f"piper:{PIPER_VOICE}",
        "music": f"musicgen:{MUSICGEN_SMALL.folder}",
        "video": SVD_IMG2VID_XT.name,
        "lipsync": WAV2LIP.name,
    }
    # RAVI's picture has no face: his shot stays plain, and the warning says so.
    assert record["warnings"] == [
        "Lip-sync: no face was found in RAVI's image Ravi.png; their shot is shown without lip-sync."
    ]
    shots = {(shot["kind"], shot.get("speaker")): shot for shot in backends["shots"]}
    maya = shots[("lipsync", "MAYA")]
    assert maya["face"] is True and maya["image"] == "Maya.png"
    assert shots[("lipsync", "RAVI")]["face"] is False
    animated = [shot for shot in backends["shots"] if shot["kind"] == "image_to_video"]
    assert {shot["image"] for shot in animated} >= {"sea.png", "Ravi.png"}
    for shot in animated:  # the recorded seeds reproduce every clip
        assert shot["seed"] == shot_seed(SEED, shot["shot"])
        assert shot["seeds"] == [clip_seed(shot["seed"], n) for n in range(len(shot["seeds"]))]
        assert shot["output_frames"] == round((shot["end_s"] - shot["start_s"]) * 30)
    assert backends["seconds"]["lipsync"] > 0 and backends["seconds"]["animate"] > 0

    # With Ken Burns moves and no lip-sync, MAYA's shot differs only in her lower face.
    plain = render_film(_request(images, _neural(model_dir, "kenburns", "none")), tmp_path / "kb")
    assert plain.backends["used"]["lipsync"] == "none"
    assert plain.backends["used"]["video"] == "kenburns" and plain.backends["shots"] == []
    middle = round((maya["start_s"] + maya["end_s"]) / 2 * 30)
    synced, unsynced = _frame(result.video, middle), _frame(plain.video, middle)
    changed = np.abs(synced.astype(int) - unsynced.astype(int)).max(axis=2) > STRONG_CHANGE
    rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    assert rows.size > 5, "lip-sync changed nothing"
    assert rows.min() > SMALL[1] * 0.35  # the mouth and chin, not the eyes
    assert columns.min() > SMALL[0] * 0.2 and columns.max() < SMALL[0] * 0.8
    opening = _frame(result.video, 30)  # the sea: an SVD clip instead of a Ken Burns move
    assert np.abs(opening.astype(int) - _frame(plain.video, 30).astype(int)).mean() > 20


def test_missing_weights_fall_back_to_the_defaults_with_warnings(
    images: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    result = render_film(_request(images, _neural(empty)), tmp_path / "out")
    _check_media(result)
    assert result.backends["used"] == {
        "tts": "espeak-ng",
        "music": "procedural",
        "video": "kenburns",
        "lipsync": "none",
    }
    assert result.backends["shots"] == []
    warnings = json.loads(result.report.read_text(encoding="utf-8"))["warnings"]
    assert warnings == list(result.warnings)
    expected = (
        f"Narration: the piper voice {PIPER_VOICE} is not in {empty / 'piper'}",
        f"Music: the MusicGen weights are not in {empty / MUSICGEN_SMALL.folder}",
        f"Image-to-video: the {SVD_IMG2VID_XT.name} weights are not in",
        "Lip-sync: the Wav2Lip model is unavailable",
    )
    for start in expected:
        assert sum(warning.startswith(start) for warning in warnings) == 1, (start, warnings)
    assert all("filmstudio models download" in warning for warning in warnings)


def test_cpu_defaults_say_nothing_and_record_what_ran(
    images: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    result = render_film(_request(images, BackendChoice()), tmp_path / "out")
    assert result.warnings == ()
    assert result.backends["chosen"]["lipsync"] == "auto"
    # TTS_BACKEND=auto: Kokoro narrates English only where it measured better and is installed.
    kokoro_speaks = kokoro_is_default("en") and kokoro_model.available(None)
    assert result.backends["used"] == {
        "tts": "kokoro:" + voice_vectors("en", "female")[0] if kokoro_speaks else "espeak-ng",
        "music": "procedural",
        "video": "kenburns",
        "lipsync": "none",
    }
