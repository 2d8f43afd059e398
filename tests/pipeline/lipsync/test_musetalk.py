"""MuseTalk 1.5 lip-sync with a tiny seeded MuseTalk (UNet, VAE, whisper) loaded from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline.errors import BackendUnavailableError, RenderCancelled
from pipeline.lipsync import musetalk as mt
from pipeline.lipsync.musetalk_audio import LEAD_ROWS, WINDOW_ROWS, SpeechFeatures
from pipeline.lipsync.musetalk_face import find_face
from pipeline.lipsync.wav2lip import LipSyncOptions
from pipeline.neural.licences import is_refused
from pipeline.neural.registry import (
    MUSETALK_SPECS,
    MUSETALK_UNET,
    get_model,
    model_path,
    select_models,
)
from pipeline.testing.faces import draw_face
from pipeline.testing.tiny_musetalk import AUDIO_WIDTH, ENCODER_LAYERS, write_tiny_musetalk

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

RATE = 16_000
FPS = 25
SIZE = (320, 180)
CENTRE = (160, 80)
FACE = 50
OPTIONS = LipSyncOptions(batch_size=4)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = tmp_path_factory.mktemp("models")
    return write_tiny_musetalk(model_path(MUSETALK_UNET, models), seed=3)


@pytest.fixture(scope="module")
def model(folder: Path) -> mt.MuseTalkModel:
    return mt.MuseTalkModel.load(folder, "cpu")


@pytest.fixture(scope="module")
def face() -> np.ndarray:
    return draw_face(*SIZE, cx=CENTRE[0], cy=CENTRE[1], size=FACE)


def speech(seconds: float, pitch_hz: float = 180.0) -> np.ndarray:
    """A voiced signal whose loudness and pitch move like syllables."""
    t = np.arange(round(seconds * RATE)) / RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t)
    return (0.4 * envelope * np.sin(2 * np.pi * pitch_hz * t * (1 + 0.2 * t))).astype(np.float32)


def test_registry_entries_name_the_real_repos_and_allow_commercial_use() -> None:
    names = {spec.name for spec in select_models(["musetalk-*"])}
    assert names == {"musetalk-1.5", "musetalk-sd-vae-ft-mse", "musetalk-whisper-tiny"}
    assert {spec.name for spec in MUSETALK_SPECS} == names
    assert all(spec.commercial_use == "yes" for spec in MUSETALK_SPECS)
    assert not any(is_refused(spec, commercial_only=True) for spec in MUSETALK_SPECS)
    urls = {url for spec in MUSETALK_SPECS for file in spec.files for url in file.urls}
    assert "https://huggingface.co/TMElyralab/MuseTalk/resolve/main/musetalkV15/unet.pth" in urls
    assert (
        "https://huggingface.co/stabilityai/sd-vae-ft-mse/resolve/main/"
        "diffusion_pytorch_model.safetensors"
    ) in urls
    assert "https://huggingface.co/openai/whisper-tiny/resolve/main/model.safetensors" in urls
    assert get_model("musetalk-1.5").licence.startswith("MuseTalk: code MIT")
    assert get_model("musetalk-sd-vae-ft-mse").licence.startswith("MIT")
    assert get_model("musetalk-whisper-tiny").licence.startswith("Apache-2.0")
    assert "79999_iter" in MUSETALK_UNET.licence_note  # the parser that is not used


def test_missing_weights_raise_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match=r"MuseTalk weights .* missing: "):
        mt.MuseTalkModel.load(tmp_path, "cpu")


def test_model_is_loaded_once(folder: Path, model: mt.MuseTalkModel) -> None:
    assert mt.MuseTalkModel.load(folder, "cpu").loaded is model.loaded


def test_audio_windows_have_the_layers_of_ten_rows(model: mt.MuseTalkModel) -> None:
    features = SpeechFeatures(model.loaded, speech(1.0))
    assert features.rows == 50
    tokens = features.windows([0, 12, 24], FPS)
    assert tokens.shape == (3, WINDOW_ROWS * (ENCODER_LAYERS + 1), AUDIO_WIDTH)
    positions = model.loaded.positions[: tokens.shape[1]]
    layers = ENCODER_LAYERS + 1
    # Frame 0's window starts LEAD_ROWS before the speech: those rows are zeros.
    assert torch.equal(tokens[0, : LEAD_ROWS * layers], positions[: LEAD_ROWS * layers])
    assert not torch.equal(tokens[0, LEAD_ROWS * layers :], positions[LEAD_ROWS * layers :])
    # Frame 24 (0.96 s) reaches past the end of the 1 s speech: zeros there too.
    assert torch.equal(tokens[2, -layers:], positions[-layers:])


def test_still_has_exact_frames_changes_only_the_mouth_and_is_repeatable(
    model: mt.MuseTalkModel, face: np.ndarray
) -> None:
    reports: list[float] = []
    frames = list(
        mt.lipsync_still(
            face,
            speech(1.0),
            RATE,
            FPS,
            model,
            13,
            OPTIONS,
            progress=lambda _s, f: reports.append(f),
        )
    )
    assert len(frames) == 13
    assert all(f.shape == (*SIZE[::-1], 3) and f.dtype == np.uint8 for f in frames)
    assert reports == pytest.approx([4 / 13, 8 / 13, 12 / 13, 1.0])
    crop = find_face(face, OPTIONS.padding)
    assert crop is not None
    for frame in frames:
        changed = np.abs(frame.astype(int) - face.astype(int)).max(axis=2) > 0
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        assert rows.size > 5, "the lip-sync changed (almost) nothing"
        # Only the lower half of the face crop (mouth and jaw) is repainted.
        assert rows.min() >= (crop.box.top + crop.box.bottom) // 2 - 1
        assert rows.max() < crop.box.bottom and cols.min() >= crop.box.left
        assert cols.max() < crop.box.right
    assert not np.array_equal(frames[2], frames[9])  # the mouth follows the audio
    again = list(mt.lipsync_still(face, speech(1.0), RATE, FPS, model, 13, OPTIONS))
    assert all(np.array_equal(a, b) for a, b in zip(frames, again, strict=True))
    other = list(mt.lipsync_still(face, speech(1.0, 320.0), RATE, FPS, model, 13, OPTIONS))
    assert not all(np.array_equal(a, b) for a, b in zip(frames, other, strict=True))


def test_default_length_covers_the_audio(model: mt.MuseTalkModel, face: np.ndarray) -> None:
    assert len(list(mt.lipsync_still(face, speech(0.5), RATE, FPS, model, None, OPTIONS))) == 13


def test_image_without_a_face_is_unchanged_with_a_note(model: mt.MuseTalkModel) -> None:
    plain = np.full((120, 160, 3), 90, np.uint8)
    notes: list[str] = []
    frames = list(mt.lipsync_still(plain, speech(0.4), RATE, FPS, model, 5, OPTIONS, notes.append))
    assert len(frames) == 5 and all(np.array_equal(f, plain) for f in frames)
    assert notes and "No face was found" in notes[0]


def test_cancel_stops_between_batches(model: mt.MuseTalkModel, face: np.ndarray) -> None:
    def cancel(_stage: str, _fraction: float) -> None:
        raise RenderCancelled("stop")

    frames = mt.lipsync_still(face, speech(1.0), RATE, FPS, model, 13, OPTIONS, progress=cancel)
    produced = [next(frames) for _ in range(OPTIONS.batch_size)]
    with pytest.raises(RenderCancelled):
        next(frames)
    assert len(produced) == OPTIONS.batch_size


def test_out_of_memory_retries_in_halves_then_gives_up(
    model: mt.MuseTalkModel, face: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = mt.MuseTalkModel.mouths
    sizes: list[int] = []

    def big_batches_oom(self: mt.MuseTalkModel, latents: Any, audio: Any) -> Any:
        sizes.append(len(latents))
        if len(latents) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return real(self, latents, audio)

    monkeypatch.setattr(mt.MuseTalkModel, "mouths", big_batches_oom)
    reference = list(mt.lipsync_still(face, speech(1.0), RATE, FPS, model, 10, LipSyncOptions(2)))
    frames = list(mt.lipsync_still(face, speech(1.0), RATE, FPS, model, 10, OPTIONS))
    assert sizes[:4] == [2, 2, 2, 2] and sizes[5:8] == [4, 2, 2]  # then 2 a batch
    assert all(np.array_equal(a, b) for a, b in zip(frames, reference, strict=True))

    def always_oom(self: mt.MuseTalkModel, latents: Any, audio: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(mt.MuseTalkModel, "mouths", always_oom)
    notes: list[str] = []
    frames = list(mt.lipsync_still(face, speech(1.0), RATE, FPS, model, 10, OPTIONS, notes.append))
    assert len(frames) == 10 and all(np.array_equal(f, face) for f in frames)
    assert len(notes) == 1 and "ran out of GPU memory" in notes[0]


def test_video_frames_keep_count_and_faceless_frames_pass(
    model: mt.MuseTalkModel, face: np.ndarray
) -> None:
    blank = np.full_like(face, 40)
    video = [face] * 6 + [blank] * 20 + [face] * 3
    notes: list[str] = []
    out = list(mt.lipsync_video(iter(video), speech(1.2), RATE, FPS, model, OPTIONS, notes.append))
    assert len(out) == len(video)
    assert not np.array_equal(out[2], face)
    assert all(np.array_equal(out[i], blank) for i in range(6 + 12 + 1, 26))
    assert notes and "No face was detected in" in notes[0]
