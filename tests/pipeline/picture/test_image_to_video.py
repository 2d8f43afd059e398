"""Image-to-video backend with a tiny Stable Video Diffusion pipeline loaded via from_pretrained."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.picture import image_to_video as i2v
from pipeline.testing.tiny_video import NUM_FRAMES, write_tiny_video_pipeline
from pipeline.types import VideoFormat

# 64x32 generation, two denoising steps, 160x90 output at 10 fps: each clip takes ~0.1 s.
TEST_SETTINGS = i2v.VideoSettings(
    steps=2, pixel_area=64 * 32, size_multiple=16, decode_chunk_size=4
)
FORMAT = VideoFormat(width=160, height=90, fps=10)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_video_pipeline(tmp_path_factory.mktemp("svd"))


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    rng = np.random.default_rng(7)
    image = np.zeros((60, 100, 3), dtype=np.uint8)
    image[:, :50] = (200, 120, 40)
    image[20:40, 60:90] = rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)
    return image


def frames_of(
    model_dir: Path, image: np.ndarray | Path, duration_s: float, seed: int
) -> list[np.ndarray]:
    return list(i2v.animate_shot(model_dir, image, duration_s, FORMAT, seed, TEST_SETTINGS).frames)


def test_missing_weights_raise_at_call_time(tmp_path: Path, picture: np.ndarray) -> None:
    assert i2v.missing_files(tmp_path)
    assert "model_index.json" in i2v.missing_files(tmp_path)
    with pytest.raises(BackendUnavailableError, match="Image-to-video weights"):
        i2v.animate_shot(tmp_path, picture, 1.0, FORMAT, seed=1)


def test_generation_size_follows_the_film_aspect() -> None:
    assert i2v.generation_size(1280, 720) == (1024, 576)
    assert i2v.generation_size(1080, 1920) == (576, 1024)
    assert i2v.generation_size(1080, 1080) == (768, 768)
    assert i2v.generation_size(160, 90, TEST_SETTINGS) == (64, 32)


def test_plan_chains_clips_then_loops() -> None:
    short = i2v.plan_shot(0.4, FORMAT, seed=5, frames_per_clip=14)
    assert len(short.seeds) == 1
    assert short.output_frames == 4
    assert not short.loops
    # 14 frames at 7 fps cover ~1.9 s; two chained clips ~3.7 s; longer shots loop.
    medium = i2v.plan_shot(3.0, FORMAT, seed=5, frames_per_clip=14)
    assert len(medium.seeds) == 2
    assert not medium.loops
    long = i2v.plan_shot(10.0, FORMAT, seed=5, frames_per_clip=14)
    assert len(long.seeds) == 2
    assert long.loops
    assert long.seeds == medium.seeds
    assert long.seeds[0] != long.seeds[1]
    assert long.record()["seeds"] == list(long.seeds)
    with pytest.raises(InputError):
        i2v.plan_shot(0.0, FORMAT, seed=5, frames_per_clip=14)


def test_shot_frames_have_output_size_and_count(model_dir: Path, picture: np.ndarray) -> None:
    shot = i2v.animate_shot(model_dir, picture, 1.5, FORMAT, seed=3, settings=TEST_SETTINGS)
    assert shot.plan.frames_per_clip == NUM_FRAMES
    assert (shot.plan.width, shot.plan.height) == (64, 32)
    frames = list(shot.frames)
    assert len(frames) == 15
    assert all(f.shape == (90, 160, 3) and f.dtype == np.uint8 for f in frames)
    assert float(np.std(np.stack(frames))) > 1.0


def test_same_seed_same_frames_other_seed_other_frames(
    model_dir: Path, picture: np.ndarray
) -> None:
    first = np.stack(frames_of(model_dir, picture, 0.8, seed=21))
    again = np.stack(frames_of(model_dir, picture, 0.8, seed=21))
    other = np.stack(frames_of(model_dir, picture, 0.8, seed=22))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_long_shot_loops_without_breaking(model_dir: Path, picture: np.ndarray) -> None:
    shot = i2v.animate_shot(model_dir, picture, 3.0, FORMAT, seed=2, settings=TEST_SETTINGS)
    assert shot.plan.loops
    assert len(shot.plan.seeds) == TEST_SETTINGS.max_clips
    assert len(list(shot.frames)) == 30


def test_image_file_is_read(model_dir: Path, picture: np.ndarray, tmp_path: Path) -> None:
    path = tmp_path / "hero.png"
    Image.fromarray(picture).save(path)
    frames = frames_of(model_dir, path, 0.3, seed=4)
    np.testing.assert_array_equal(
        np.stack(frames), np.stack(frames_of(model_dir, picture, 0.3, seed=4))
    )
    (tmp_path / "broken.png").write_bytes(b"not an image")
    with pytest.raises(InputError):
        i2v.animate_shot(
            model_dir, tmp_path / "broken.png", 0.3, FORMAT, seed=4, settings=TEST_SETTINGS
        )


def test_pipeline_is_loaded_once_and_never_changed(model_dir: Path, picture: np.ndarray) -> None:
    loaded = i2v.load_pipeline(model_dir)
    assert i2v.load_pipeline(model_dir) is loaded
    scheduler_state = dict(loaded.pipeline.scheduler.config)
    weights = loaded.pipeline.unet.conv_in.weight.detach().clone()
    frames_of(model_dir, picture, 0.3, seed=9)
    assert loaded.pipeline.scheduler.num_inference_steps is None
    assert dict(loaded.pipeline.scheduler.config) == scheduler_state
    assert bool((loaded.pipeline.unet.conv_in.weight == weights).all())


def test_fp16_named_weights_are_found_and_loaded(tmp_path: Path, picture: np.ndarray) -> None:
    folder = write_tiny_video_pipeline(tmp_path / "svd-fp16", variant="fp16")
    assert (folder / "unet" / "diffusion_pytorch_model.fp16.safetensors").is_file()
    assert i2v.missing_files(folder) == []
    assert len(frames_of(folder, picture, 0.2, seed=1)) == 2


def test_fit_image_covers_or_letterboxes(picture: np.ndarray) -> None:
    cover = i2v.fit_image(picture, 64, 64, "cover")
    assert cover.shape == (64, 64, 3)
    assert cover[:, 0].mean() > 50  # the crop fills the frame to the edge
    contain = i2v.fit_image(picture, 64, 64, "contain")
    assert contain.shape == (64, 64, 3)
    assert contain[:5].max() == 0  # black bars above and below
    assert contain[-5:].max() == 0


def test_looping_is_continuous() -> None:
    # Frame i of a 12-frame sequence is a flat grey of level 20 * i: the output levels must
    # change by at most one generated frame's step between output frames, also at the wraps.
    sequence = [np.full((2, 2, 3), 20 * i, dtype=np.uint8) for i in range(12)]
    plan = i2v.ShotPlan(
        seeds=(1,),
        width=2,
        height=2,
        frames_per_clip=12,
        output_frames=120,
        fps=10,
        model_fps=7,
        steps=1,
        loops=True,
    )
    levels = [float(f.mean()) for f in i2v.shot_frames(sequence, plan, VideoFormat(2, 2, 10))]
    steps = np.abs(np.diff(levels))
    assert steps.max() <= 20 * 7 / 10 + 1  # one output frame is 0.7 generated frames
    # The loop cycle is 11 - 4 crossfade positions = 7 frames: it plays up to frame 7, then
    # glides back to the start (levels fall) instead of jumping or holding.
    assert max(levels) == pytest.approx(140.0, abs=1.0)
    assert (np.diff(levels) < 0).sum() > 10
    assert levels.count(levels[0]) < 3


def test_short_sequence_holds_its_last_frame() -> None:
    parts = i2v.loop_positions(5.0, 4, crossfade=2, loops=False)
    assert parts == [(3, 1.0)]


def test_registry_files_make_a_complete_folder(tmp_path: Path) -> None:
    from pipeline.neural import registry

    folder = i2v.default_folder(tmp_path)
    assert i2v.missing_files(folder)
    for item in registry.SVD_IMG2VID_XT.required_files:
        (folder / item.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / item.path).write_bytes(b"x")
    assert i2v.missing_files(folder) == []
