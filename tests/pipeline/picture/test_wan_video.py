"""Wan2.2 image-to-video backend with a tiny seeded Wan pipeline loaded from disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from pipeline.errors import BackendUnavailableError, RenderCancelled
from pipeline.neural.licences import is_refused
from pipeline.neural.registry import WAN22_TI2V_5B, get_model
from pipeline.picture import wan_video as wan
from pipeline.testing.tiny_wan import write_tiny_wan_pipeline
from pipeline.types import VideoFormat

# 64x64 generation, 5-frame clips, two denoising steps, 96x54 output at 10 fps.
SETTINGS = wan.WanSettings(
    num_frames=5, steps=2, guidance_scale=1.0, pixel_area=64 * 64, size_multiple=32, model_fps=8
)
FORMAT = VideoFormat(width=96, height=54, fps=10)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_wan_pipeline(tmp_path_factory.mktemp("wan"))


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    image = np.zeros((60, 100, 3), dtype=np.uint8)
    image[:, :50] = (200, 120, 40)
    image[20:40, 60:90] = np.random.default_rng(3).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    return image


def test_registry_entry_is_commercial_and_apache() -> None:
    spec = get_model("wan2.2-ti2v-5b")
    assert spec is WAN22_TI2V_5B
    assert spec.commercial_use == "yes" and spec.licence.startswith("Apache-2.0")
    assert not is_refused(spec, commercial_only=True)
    assert {"model_index.json", "vae/diffusion_pytorch_model.safetensors"} <= {
        f.path for f in spec.files
    }


def test_missing_weights_raise_at_call_time(tmp_path: Path, picture: np.ndarray) -> None:
    assert wan.missing_files(tmp_path)
    with pytest.raises(BackendUnavailableError, match=r"Wan2\.2"):
        wan.animate_shot(tmp_path, picture, 1.0, FORMAT, seed=1, settings=SETTINGS)


def test_clip_lengths_are_four_k_plus_one() -> None:
    assert wan.clip_frames(121) == 121
    assert wan.clip_frames(100) == 97
    assert wan.clip_frames(2) == 5
    assert wan.reduced_frames(121) == 61
    assert wan.reduced_frames(5) == 5


def test_shot_has_exact_length_is_seeded_and_reports_each_step(
    model_dir: Path, picture: np.ndarray
) -> None:
    reports: list[float] = []
    shot = wan.animate_shot(
        model_dir,
        picture,
        1.3,
        FORMAT,
        seed=11,
        settings=SETTINGS,
        device="cpu",
        progress=lambda _stage, fraction: reports.append(fraction),
    )
    frames = list(shot.frames)
    assert len(frames) == 13 == shot.plan.output_frames
    assert all(f.shape == (54, 96, 3) and f.dtype == np.uint8 for f in frames)
    assert len(reports) == SETTINGS.steps * len(shot.plan.seeds) and reports[-1] == 1.0
    again = list(wan.animate_shot(model_dir, picture, 1.3, FORMAT, 11, SETTINGS, "cpu").frames)
    assert all(np.array_equal(a, b) for a, b in zip(frames, again, strict=True))
    other = list(wan.animate_shot(model_dir, picture, 1.3, FORMAT, 12, SETTINGS, "cpu").frames)
    assert not all(np.array_equal(a, b) for a, b in zip(frames, other, strict=True))


def test_pipeline_is_loaded_once(model_dir: Path) -> None:
    assert wan.load_pipeline(model_dir, "cpu") is wan.load_pipeline(model_dir, "cpu")


def test_cancel_stops_between_steps(model_dir: Path, picture: np.ndarray) -> None:
    def cancel(_stage: str, _fraction: float) -> None:
        raise RenderCancelled("stop")

    shot = wan.animate_shot(model_dir, picture, 0.5, FORMAT, 1, SETTINGS, "cpu", cancel)
    with pytest.raises(RenderCancelled):
        list(shot.frames)


def test_out_of_memory_retries_with_fewer_frames_then_gives_up(
    model_dir: Path, picture: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = wan.animate_clip
    sizes: list[int] = []

    def once_oom(loaded: Any, image: Any, plan: Any, *rest: Any) -> Any:
        sizes.append(plan.frames_per_clip)
        if len(sizes) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return real(loaded, image, plan, *rest)

    monkeypatch.setattr(wan, "animate_clip", once_oom)
    settings = wan.WanSettings(**{**SETTINGS.__dict__, "num_frames": 9})
    frames = list(wan.animate_shot(model_dir, picture, 0.5, FORMAT, 2, settings, "cpu").frames)
    assert sizes == [9, 5] and len(frames) == 5

    def always_oom(*_args: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(wan, "animate_clip", always_oom)
    shot = wan.animate_shot(model_dir, picture, 0.5, FORMAT, 2, settings, "cpu")
    with pytest.raises(BackendUnavailableError, match="out of GPU memory"):
        list(shot.frames)


def test_render_settings_map_onto_wan() -> None:
    from pipeline.picture.image_to_video import VideoSettings

    default = wan.settings_from(VideoSettings(steps=20))
    assert (default.steps, default.num_frames, default.pixel_area) == (20, 121, 1280 * 704)
    assert default.size_multiple == 32
    tiny = wan.settings_from(
        VideoSettings(steps=2, num_frames=6, pixel_area=64 * 64, size_multiple=16)
    )
    assert (tiny.num_frames, tiny.pixel_area, tiny.size_multiple) == (5, 64 * 64, 32)


def test_only_wan_folders_are_taken_for_wan(model_dir: Path, tmp_path: Path) -> None:
    assert wan.is_wan_folder(model_dir)
    (tmp_path / "model_index.json").write_text('{"_class_name": "StableVideoDiffusionPipeline"}')
    assert not wan.is_wan_folder(tmp_path)
