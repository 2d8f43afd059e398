"""Lip-sync through a tiny seeded Wav2Lip-shaped ONNX graph loaded by the real code."""

from __future__ import annotations

import gc
import math
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.faces import FacePadding, pad_box
from pipeline.lipsync.mel import SILENCE_VALUE, frame_windows
from pipeline.lipsync.wav2lip import (
    LipSyncOptions,
    Wav2LipIO,
    Wav2LipModel,
    frames_to_cover,
    lipsync_still,
    lipsync_video,
    resolve_io,
)
from pipeline.neural.face_detector import detect_face
from pipeline.neural.onnx import CPU_PROVIDER, CUDA_PROVIDER, choose_providers
from pipeline.testing.faces import blank_image, draw_face
from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

RATE = 16_000
FPS = 25.0


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_wav2lip(tmp_path_factory.mktemp("wav2lip") / "wav2lip_tiny.onnx")


@pytest.fixture(scope="module")
def model(model_path: Path) -> Wav2LipModel:
    return Wav2LipModel.load(model_path, providers=[CPU_PROVIDER])


def voice(seconds: float, rate: int = RATE) -> np.ndarray:
    """Syllable-like bursts: a 4 Hz on/off envelope over a buzzy tone."""
    t = np.arange(round(seconds * rate)) / rate
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None)
    return (0.4 * envelope * np.sign(np.sin(2 * np.pi * 150 * t))).astype(np.float32)


def test_roles_come_from_shapes_whatever_the_names_and_order() -> None:
    io = resolve_io(
        [("onnx::Conv_0", ["b", 6, 96, 96]), ("input.1", ["b", 1, 80, 16])],
        [("out", ["b", 3, 96, 96])],
    )
    assert io == Wav2LipIO(audio_input="input.1", face_input="onnx::Conv_0", output="out")


def test_roles_fall_back_to_names_then_to_wav2lip_order() -> None:
    symbolic = ["b", "c", "h", "w"]
    by_name = resolve_io([("target", symbolic), ("source", symbolic)], [("y", symbolic)])
    assert (by_name.audio_input, by_name.face_input) == ("source", "target")
    by_order = resolve_io([("x0", symbolic), ("x1", symbolic)], [("y", symbolic)])
    assert (by_order.audio_input, by_order.face_input) == ("x0", "x1")


def test_a_graph_that_is_not_wav2lip_is_refused() -> None:
    with pytest.raises(BackendUnavailableError, match="2 inputs"):
        resolve_io([("a", [1]), ("b", [1]), ("c", [1])], [("y", [1])])
    with pytest.raises(BackendUnavailableError, match="output"):
        resolve_io([("a", [1, 1, 80, 16]), ("f", [1, 6, 96, 96])], [("y", [1, 4, 96, 96])])


def test_cuda_is_chosen_only_when_onnxruntime_offers_it() -> None:
    assert choose_providers([CUDA_PROVIDER, CPU_PROVIDER]) == [CUDA_PROVIDER, CPU_PROVIDER]
    assert choose_providers([CPU_PROVIDER]) == [CPU_PROVIDER]
    assert choose_providers([CUDA_PROVIDER, CPU_PROVIDER], prefer_gpu=False) == [CPU_PROVIDER]


def test_missing_or_broken_model_files_are_reported_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="does not exist"):
        Wav2LipModel.load(tmp_path / "absent.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx graph")
    with pytest.raises(BackendUnavailableError, match="could not be loaded"):
        Wav2LipModel.load(broken)


@pytest.mark.parametrize(
    ("audio_name", "face_name", "audio_first"),
    [("audio_sequences", "face_sequences", True), ("source", "target", False)],
)
def test_exports_with_other_names_and_order_load(
    tmp_path: Path, audio_name: str, face_name: str, audio_first: bool
) -> None:
    path = build_tiny_wav2lip(
        tmp_path / "m.onnx", audio_name=audio_name, face_name=face_name, audio_first=audio_first
    )
    loaded = Wav2LipModel.load(path)
    assert (loaded.io.audio_input, loaded.io.face_input) == (audio_name, face_name)
    assert loaded.providers[-1] == CPU_PROVIDER


def test_predict_maps_wav2lip_inputs_to_faces_in_range(model: Wav2LipModel) -> None:
    rng = np.random.default_rng(0)
    mels = rng.uniform(-4, 4, (5, 1, 80, 16)).astype(np.float32)
    faces = rng.uniform(0, 1, (5, 6, 96, 96)).astype(np.float32)
    out = model.predict(mels, faces)
    assert out.shape == (5, 3, 96, 96)
    assert out.dtype == np.float32
    assert 0.0 <= out.min() <= out.max() <= 1.0


def test_a_fixed_batch_export_runs_any_number_of_frames(tmp_path: Path) -> None:
    fixed = Wav2LipModel.load(build_tiny_wav2lip(tmp_path / "fixed.onnx", fixed_batch=4))
    dynamic = Wav2LipModel.load(build_tiny_wav2lip(tmp_path / "dynamic.onnx"))
    assert fixed.io.fixed_batch == 4
    rng = np.random.default_rng(1)
    mels = rng.uniform(-4, 4, (10, 1, 80, 16)).astype(np.float32)
    faces = rng.uniform(0, 1, (10, 6, 96, 96)).astype(np.float32)
    np.testing.assert_allclose(fixed.predict(mels, faces), dynamic.predict(mels, faces), atol=1e-6)


def test_still_image_speaks_for_the_length_of_its_audio(model: Wav2LipModel) -> None:
    image = draw_face()
    audio = voice(1.3)
    frames = list(lipsync_still(image, audio, RATE, FPS, model))
    assert len(frames) == frames_to_cover(1.3, FPS) == math.ceil(1.3 * FPS)
    for frame in frames:
        assert frame.shape == image.shape
        assert frame.dtype == np.uint8


def test_only_the_lower_face_changes_and_it_follows_the_audio(model: Wav2LipModel) -> None:
    image = draw_face()
    frames = list(lipsync_still(image, voice(2.0), RATE, FPS, model, n_frames=50))
    raw = detect_face(image)
    assert raw is not None
    box = pad_box(raw, image.shape[1], image.shape[0], FacePadding())
    changed = np.zeros(image.shape[:2], dtype=bool)
    for frame in frames:
        changed |= (frame != image).any(axis=2)
    rows, cols = np.nonzero(changed)
    assert rows.size > 0
    assert rows.min() >= box.top + box.height // 2  # the eyes never move
    assert rows.max() < box.bottom
    assert box.left <= cols.min() <= cols.max() < box.right
    distinct = {frame[box.top : box.bottom, box.left : box.right].tobytes() for frame in frames}
    assert len(distinct) > 10  # the mouth changes with the sound


def test_silence_gives_finite_identical_frames(model: Wav2LipModel) -> None:
    silence = np.zeros(RATE, dtype=np.float32)
    windows = frame_windows(silence, RATE, FPS, 0, 25)
    assert np.isfinite(windows).all()
    assert (windows == SILENCE_VALUE).all()
    frames = list(lipsync_still(draw_face(), silence, RATE, FPS, model))
    assert len(frames) == 25
    assert all(np.array_equal(frames[0], frame) for frame in frames)


def test_frames_past_the_audio_rest_the_mouth(model: Wav2LipModel) -> None:
    image = draw_face()
    frames = list(lipsync_still(image, voice(0.4), RATE, FPS, model, n_frames=40))
    assert len(frames) == 40
    silent = list(lipsync_still(image, np.zeros(10, np.float32), RATE, FPS, model, n_frames=1))
    assert np.array_equal(frames[-1], silent[0])


def test_stereo_48k_audio_is_accepted(model: Wav2LipModel) -> None:
    mono = voice(1.0, 48_000)
    frames = list(lipsync_still(draw_face(), np.stack([mono, mono], 1), 48_000, 30, model))
    assert len(frames) == 30


def test_a_still_without_a_face_comes_back_unchanged_with_a_note(model: Wav2LipModel) -> None:
    notes: list[str] = []
    image = blank_image()
    frames = list(lipsync_still(image, voice(1.0), RATE, FPS, model, on_note=notes.append))
    assert len(frames) == 25
    assert all(np.array_equal(frame, image) for frame in frames)
    assert len(notes) == 1
    assert "No face" in notes[0]


def test_video_frames_are_synced_where_there_is_a_face(model: Wav2LipModel) -> None:
    face, empty = draw_face(), blank_image()
    source = [face] * 20 + [empty] * 20 + [face] * 10
    notes: list[str] = []
    out = list(lipsync_video(iter(source), voice(2.0), RATE, FPS, model, on_note=notes.append))
    assert len(out) == len(source)
    assert all(frame.shape == face.shape for frame in out)
    assert sum(not np.array_equal(o, s) for o, s in zip(out[:20], source[:20], strict=True)) > 15
    # A lost face is held for a few frames, after that the frames pass through untouched.
    assert all(np.array_equal(o, empty) for o in out[35:40])
    assert len(notes) == 1
    assert "of the video's 50 frames" in notes[0]


def test_a_video_without_any_face_is_returned_unchanged(model: Wav2LipModel) -> None:
    frames = [blank_image()] * 12
    notes: list[str] = []
    out = list(lipsync_video(frames, voice(0.5), RATE, FPS, model, on_note=notes.append))
    assert all(np.array_equal(o, f) for o, f in zip(out, frames, strict=True))
    assert len(out) == 12
    assert len(notes) == 1
    assert "any of the video's 12 frames" in notes[0]


def test_video_is_consumed_lazily(model: Wav2LipModel) -> None:
    pulled = 0
    face = draw_face()

    def source() -> Iterator[np.ndarray]:
        nonlocal pulled
        for _ in range(1000):
            pulled += 1
            yield face

    stream = lipsync_video(source(), voice(1.0), RATE, FPS, model, LipSyncOptions(batch_size=8))
    next(stream)
    assert pulled <= 8 + 3  # one batch plus the smoothing look-ahead


def _peak_bytes_while_consuming(frames: Iterator[np.ndarray]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        for _ in frames:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_still_shot_gets_longer(model: Wav2LipModel) -> None:
    image = draw_face()
    short_audio, long_audio = voice(2.0), voice(16.0)
    short = _peak_bytes_while_consuming(lipsync_still(image, short_audio, RATE, FPS, model))
    long = _peak_bytes_while_consuming(lipsync_still(image, long_audio, RATE, FPS, model))
    print(f"still: peak {short} B for 50 frames, {long} B for 400 frames")
    assert long < 1.3 * short + 256 * 1024  # eight times the frames, about the same peak


def test_memory_stays_flat_as_the_video_gets_longer(model: Wav2LipModel) -> None:
    face = draw_face()
    opts = LipSyncOptions(batch_size=8)

    def frames(count: int) -> Iterator[np.ndarray]:
        for _ in range(count):
            yield face.copy()

    short_audio, long_audio = voice(1.2), voice(9.6)
    short = _peak_bytes_while_consuming(
        lipsync_video(frames(30), short_audio, RATE, FPS, model, opts)
    )
    long = _peak_bytes_while_consuming(
        lipsync_video(frames(240), long_audio, RATE, FPS, model, opts)
    )
    print(f"video: peak {short} B for 30 frames, {long} B for 240 frames")
    assert long < 1.3 * short + 256 * 1024
