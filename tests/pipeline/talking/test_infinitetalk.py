"""InfiniteTalk talking shots with a tiny seeded InfiniteTalk folder loaded from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from pipeline.errors import BackendUnavailableError, RenderCancelled
from pipeline.neural.licences import is_refused
from pipeline.neural.registry import get_model
from pipeline.picture import wan_video
from pipeline.talking import infinitetalk as talk
from pipeline.talking import model_files
from pipeline.talking.settings import TalkSettings
from pipeline.talking.speech_features import frame_features, frame_windows
from pipeline.testing.tiny_infinitetalk import (
    ORIGINAL_NAME,
    SPEECH_LAYERS,
    SPEECH_WIDTH,
    write_tiny_infinitetalk,
)
from pipeline.types import VideoFormat

# 32x32 generation, 5-frame clips at 25 fps, two steps, 48x32 output at 8 fps.
SETTINGS = TalkSettings(num_frames=5, steps=2, pixel_area=32 * 32, prompt="a slow camera")
FORMAT = VideoFormat(width=48, height=32, fps=8)
RATE = 22_050


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_infinitetalk(tmp_path_factory.mktemp("infinitetalk"))


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    image = np.zeros((40, 60, 3), dtype=np.uint8)
    image[:, :30] = (200, 120, 40)
    image[10:30, 35:55] = np.random.default_rng(3).integers(0, 255, (20, 20, 3), dtype=np.uint8)
    return image


def _speech(seconds: float, pitch_hz: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    wave: np.ndarray = (
        0.3 * np.sin(2 * np.pi * pitch_hz * t) * (1 + np.sin(2 * np.pi * 3 * t))
    ).astype(np.float32)
    return wave


def test_all_three_parts_pass_the_commercial_gate() -> None:
    for name in ("infinitetalk-single", "chinese-wav2vec2-base", "wan2.1-i2v-14b-480p"):
        assert not is_refused(get_model(name), commercial_only=True)


def test_missing_weights_are_named_and_raise_at_call_time(
    tmp_path: Path, picture: np.ndarray
) -> None:
    missing = talk.missing_files(tmp_path)
    assert "single/infinitetalk.safetensors" in missing
    assert "chinese-wav2vec2-base/config.json" in missing
    with pytest.raises(BackendUnavailableError, match="InfiniteTalk"):
        talk.talk_shot(tmp_path, picture, _speech(0.5, 200), RATE, 0.5, FORMAT, 1, SETTINGS)


def test_tiny_folder_is_complete_and_a_missing_shard_is_found(model_dir: Path) -> None:
    assert talk.missing_files(model_dir) == []
    index = model_dir / "Wan2.1-I2V-14B-480P-Diffusers/transformer/x.safetensors.index.json"
    assert not index.exists()  # the tiny transformer is one file: check the index reading
    assert model_files._missing_shards(model_dir / "nowhere") == []


def test_adapter_file_keeps_audio_names_and_renames_original_base_weights(
    model_dir: Path,
) -> None:
    state = model_files.adapter_state(model_files.adapter_file(model_dir))
    assert "blocks.1.audio_cross_attn.kv_linear.weight" in state
    assert "audio_proj.proj1_vf.weight" in state
    assert ORIGINAL_NAME not in state and "blocks.0.attn1.to_q.weight" in state


def test_speech_features_are_one_row_per_video_frame(model_dir: Path) -> None:
    loaded = talk.load_talker(model_dir, "cpu")
    speech = talk.speech_at_rate(_speech(0.6, 180), RATE)
    assert speech.size == round(0.6 * 16_000)
    quiet = (0.1 * _speech(0.6, 180)).astype(np.float32)
    assert talk.speech_at_rate(quiet, RATE) == pytest.approx(speech, abs=1e-4)
    assert not talk.speech_at_rate(np.zeros(RATE, np.float32), RATE).any()
    features = frame_features(loaded.speech, speech, 15)
    assert features.shape == (15, SPEECH_LAYERS, SPEECH_WIDTH)
    windows = frame_windows(features, 12, 5)
    assert windows.shape == (5, 5, SPEECH_LAYERS, SPEECH_WIDTH)
    assert torch.equal(windows[-1, -1], features[-1])  # clamped past the end


def test_shot_has_exact_length_is_seeded_hears_the_speech_and_reports_each_step(
    model_dir: Path, picture: np.ndarray
) -> None:
    reports: list[float] = []
    speech = _speech(0.7, 180)
    shot = talk.talk_shot(
        model_dir,
        picture,
        speech,
        RATE,
        0.7,
        FORMAT,
        11,
        SETTINGS,
        "cpu",
        lambda _stage, fraction: reports.append(fraction),
    )
    frames = list(shot.frames)
    assert len(frames) == round(0.7 * 8) == shot.plan.output_frames
    assert all(f.shape == (32, 48, 3) and f.dtype == np.uint8 for f in frames)
    # 0.7 s at 25 fps = 17.5 frames: four chained 5-frame clips (17 frames) cover it
    assert len(shot.plan.seeds) == 4 and not shot.plan.loops
    assert len(reports) == SETTINGS.steps * 4 and reports == sorted(reports) and reports[-1] == 1.0
    again = list(
        talk.talk_shot(model_dir, picture, speech, RATE, 0.7, FORMAT, 11, SETTINGS, "cpu").frames
    )
    assert all(np.array_equal(a, b) for a, b in zip(frames, again, strict=True))
    other_line = _speech(0.7, 420)[::-1].copy()
    heard = list(
        talk.talk_shot(
            model_dir, picture, other_line, RATE, 0.7, FORMAT, 11, SETTINGS, "cpu"
        ).frames
    )
    assert not all(np.array_equal(a, b) for a, b in zip(frames, heard, strict=True))


def test_cancel_stops_between_steps(model_dir: Path, picture: np.ndarray) -> None:
    steps: list[float] = []

    def cancel(_stage: str, fraction: float) -> None:
        steps.append(fraction)
        raise RenderCancelled("stop")

    shot = talk.talk_shot(
        model_dir, picture, _speech(0.3, 200), RATE, 0.3, FORMAT, 1, SETTINGS, "cpu", cancel
    )
    with pytest.raises(RenderCancelled):
        list(shot.frames)
    assert len(steps) == 1


def test_out_of_memory_retries_with_fewer_frames_then_gives_up(
    model_dir: Path, picture: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = talk.talk_clip
    sizes: list[int] = []

    def once_oom(loaded: Any, image: Any, windows: Any, plan: Any, *rest: Any) -> Any:
        sizes.append(plan.frames_per_clip)
        if len(sizes) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return real(loaded, image, windows, plan, *rest)

    monkeypatch.setattr(talk, "talk_clip", once_oom)
    settings = TalkSettings(**{**SETTINGS.__dict__, "num_frames": 9, "steps": 1})
    frames = list(
        talk.talk_shot(
            model_dir, picture, _speech(0.3, 200), RATE, 0.3, FORMAT, 2, settings, "cpu"
        ).frames
    )
    assert sizes == [9, 5] and len(frames) == round(0.3 * 8)

    def always_oom(*_args: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(talk, "talk_clip", always_oom)
    shot = talk.talk_shot(
        model_dir, picture, _speech(0.3, 200), RATE, 0.3, FORMAT, 2, settings, "cpu"
    )
    with pytest.raises(BackendUnavailableError, match="out of GPU memory"):
        list(shot.frames)


def test_the_retry_plan_keeps_the_speech_covered() -> None:
    from pipeline.picture.image_to_video import plan_shot

    plan = plan_shot(3.0, FORMAT, 5, 81, SETTINGS.video(81))
    smaller = talk.reduced_plan(plan)
    assert smaller.frames_per_clip == 41 and smaller.seeds[0] == plan.seeds[0]
    covered = len(smaller.seeds) * 40 + 1
    assert covered - 1 >= (plan.output_frames - 1) * 25 / 8


def test_the_first_frame_is_held_to_the_image_whatever_the_seed(
    model_dir: Path, picture: np.ndarray
) -> None:
    speech = _speech(0.3, 200)
    one, two = (
        list(
            talk.talk_shot(model_dir, picture, speech, RATE, 0.3, FORMAT, s, SETTINGS, "cpu").frames
        )
        for s in (1, 2)
    )
    assert np.array_equal(one[0], two[0])
    assert not np.array_equal(one[-1], two[-1])


def test_the_bf16_path_of_a_gpu_runs(
    model_dir: Path, picture: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GPU's dtype (bf16 transformer, fp32 VAE, CLIP and speech encoder), on the CPU."""
    monkeypatch.setattr(wan_video, "wan_dtype", lambda _device: torch.bfloat16)
    talk._load_cached.cache_clear()
    try:
        shot = talk.talk_shot(
            model_dir, picture, _speech(0.3, 200), RATE, 0.3, FORMAT, 3, SETTINGS, "cpu"
        )
        frames = list(shot.frames)
        assert talk.load_talker(model_dir, "cpu").pipeline.transformer.dtype == torch.bfloat16
    finally:
        talk._load_cached.cache_clear()
    assert len(frames) == round(0.3 * 8) and all(f.dtype == np.uint8 for f in frames)


def test_an_adapter_that_does_not_fit_is_refused(tmp_path: Path, model_dir: Path) -> None:
    import shutil

    from safetensors.torch import load_file, save_file

    folder = tmp_path / "infinitetalk"
    shutil.copytree(model_dir, folder)
    adapter = model_files.adapter_file(folder)
    state = load_file(adapter)
    state["audio_proj.proj1.weight"] = state["audio_proj.proj1.weight"][:, :-1].contiguous()
    save_file(state, adapter)
    with pytest.raises(BackendUnavailableError, match="does not fit"):
        talk.load_talker(folder, "cpu")
