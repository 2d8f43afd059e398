"""ACE-Step backend with a tiny seeded AceStepPipeline loaded through the real from_pretrained
path (diffusers folder layout, sharded transformer) and run through the real denoising loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm
import pytest

from pipeline.errors import BackendUnavailableError, RenderCancelled
from pipeline.music import acestep, shaping
from pipeline.testing.tiny_acestep import write_tiny_acestep

pytest.importorskip("diffusers")

FILM_RATE_HZ = 48_000
# Pieces of at most 3 s crossfaded over 0.5 s, at least 1 s: 7.3 s of music takes 3 pieces.
TEST_SETTINGS = acestep.AceStepSettings(max_chunk_s=3.0, min_chunk_s=1.0, crossfade_s=0.5)
STEPS = TEST_SETTINGS.steps
REVISION = "200ba991ae448051e14b0183157e35c2d27c9fb0"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_acestep(tmp_path_factory.mktemp("acestep"), seed=1)


def make_music(
    model_dir: Path,
    seed: int,
    duration_s: float = 7.3,
    chunk_s: float = 2.0,
    progress: Any = None,
) -> list[np.ndarray]:
    extra = {"progress": progress} if progress is not None else {}
    return list(
        acestep.music_chunks(
            model_dir,
            "ambient",
            duration_s,
            FILM_RATE_HZ,
            seed,
            prompt="calm piano",
            chunk_s=chunk_s,
            settings=TEST_SETTINGS,
            device="cpu",
            **extra,
        )
    )


def test_missing_weights_raise_before_any_audio(tmp_path: Path) -> None:
    assert not acestep.is_available(tmp_path)
    assert "model_index.json" in acestep.missing_files(tmp_path)
    with pytest.raises(BackendUnavailableError, match="ACE-Step weights"):
        acestep.music_chunks(tmp_path, "ambient", 5.0, FILM_RATE_HZ, seed=1)


def test_registry_files_make_a_complete_folder(tmp_path: Path) -> None:
    from pipeline.neural import registry

    spec = registry.ACESTEP_XL_TURBO
    assert len(spec.files) == 19
    assert all(f"/{REVISION}/" in item.urls[0] for item in spec.files)
    folder = acestep.default_folder(tmp_path)
    for item in spec.required_files:
        (folder / item.path).parent.mkdir(parents=True, exist_ok=True)
        (folder / item.path).write_bytes(b"x")
    assert acestep.is_available(folder)


def test_the_pipeline_loads_once_per_process(model_dir: Path) -> None:
    loaded = acestep.load_acestep(model_dir, "cpu")
    assert loaded is acestep.load_acestep(model_dir, "cpu")
    assert loaded.pipeline.is_turbo and loaded.sample_rate == FILM_RATE_HZ
    assert loaded.pipeline.transformer.dtype == acestep.pipeline_dtype("cpu")


def test_chunks_are_stereo_float32_of_exact_length_with_progress_per_step(
    model_dir: Path,
) -> None:
    reports: list[tuple[str, float]] = []
    chunks = make_music(model_dir, seed=3, progress=lambda s, f: reports.append((s, f)))
    assert [chunk.shape for chunk in chunks] == [(96_000, 2)] * 3 + [(62_400, 2)]
    assert all(chunk.dtype == np.float32 for chunk in chunks)
    fractions = [fraction for _stage, fraction in reports]
    assert {stage for stage, _fraction in reports} == {"music"}
    assert len(fractions) == 3 * STEPS + 1  # every step of the three pieces, then done
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert fractions[STEPS - 1] < 0.4  # the first piece is about a third of the track


def test_music_is_matched_in_loudness_limited_and_faded(model_dir: Path) -> None:
    audio = np.concatenate(make_music(model_dir, seed=5, duration_s=4.0))
    assert np.isfinite(audio).all()
    assert float(np.max(np.abs(audio))) <= shaping.PEAK_CEILING + 1e-6
    assert float(np.max(np.abs(audio[:8]))) < 0.05  # fade-in, no click
    assert float(np.max(np.abs(audio[-8:]))) < 0.05  # fade-out at the very end
    meter = pyloudnorm.Meter(FILM_RATE_HZ)
    loudness = meter.integrated_loudness(audio.astype(np.float64))
    assert loudness == pytest.approx(shaping.MUSIC_TARGET_LUFS, abs=1.0)
    assert not np.allclose(audio[:, 0], audio[:, 1])  # stereo, not mono twice


def test_same_seed_same_music_other_seed_other_music(model_dir: Path) -> None:
    first = np.concatenate(make_music(model_dir, seed=11, duration_s=2.5))
    again = np.concatenate(make_music(model_dir, seed=11, duration_s=2.5))
    other = np.concatenate(make_music(model_dir, seed=12, duration_s=2.5))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    pieces = np.concatenate(make_music(model_dir, seed=11, duration_s=2.5, chunk_s=0.3))
    np.testing.assert_array_equal(first, pieces)  # the chunk size does not change the music


def test_a_track_shorter_than_one_generation_is_cut_from_one(model_dir: Path) -> None:
    reports: list[float] = []
    chunks = make_music(model_dir, seed=2, duration_s=0.25, progress=lambda s, f: reports.append(f))
    assert sum(len(chunk) for chunk in chunks) == 12_000
    assert len(reports) == STEPS + 1


@pytest.mark.parametrize("frames", [7, 56])
def test_a_piece_has_exactly_the_latent_frames_its_length_needs(
    model_dir: Path, frames: int
) -> None:
    # 7 and 56 frames are lengths whose noise diffusers would make one frame longer.
    loaded = acestep.load_acestep(model_dir, "cpu")
    hop = FILM_RATE_HZ // 25
    duration_s = (frames - 0.3) / 25  # needs `frames` latent frames, the last one in part
    audio = acestep.generate_piece(loaded, "calm piano", duration_s, 1, TEST_SETTINGS)
    assert audio.shape == (2, frames * hop)


def test_a_model_at_another_rate_is_resampled_to_the_film_rate(tmp_path: Path) -> None:
    folder = write_tiny_acestep(tmp_path / "ace32k", seed=4, sample_rate=32_000)
    assert acestep.load_acestep(folder, "cpu").sample_rate == 32_000
    chunks = list(
        acestep.music_chunks(
            folder, "upbeat", 3.7, FILM_RATE_HZ, 1, settings=TEST_SETTINGS, device="cpu"
        )
    )
    audio = np.concatenate(chunks)
    assert audio.shape == (round(3.7 * FILM_RATE_HZ), 2)
    assert float(np.std(audio[FILM_RATE_HZ // 2 : -FILM_RATE_HZ // 2])) > 1e-3


def test_cancel_stops_between_denoising_steps(model_dir: Path) -> None:
    steps: list[float] = []

    def cancel_at_third(_stage: str, fraction: float) -> None:
        steps.append(fraction)
        if len(steps) == 3:
            raise RenderCancelled("The render was cancelled.")

    with pytest.raises(RenderCancelled):
        make_music(model_dir, seed=6, progress=cancel_at_third)
    assert len(steps) == 3  # no step ran after the cancel


@pytest.mark.parametrize(
    ("need", "crossfade", "longest", "shortest"),
    [(100, 10, 40, 20), (41, 10, 40, 20), (5, 2, 40, 20), (28_800_000, 192_000, 28_800_000, 1)],
)
def test_pieces_cover_the_track_and_respect_the_limits(
    need: int, crossfade: int, longest: int, shortest: int
) -> None:
    covered, pieces = 0, 0
    remaining = need
    while True:
        length = acestep.piece_samples(remaining, crossfade, longest, shortest)
        assert shortest <= length <= max(longest, shortest)
        pieces += 1
        if length >= remaining:
            covered += remaining
            break
        covered += length - crossfade
        remaining -= length - crossfade
    assert covered == need
    assert pieces == max(1, -(-(need - crossfade) // (longest - crossfade)))


def test_out_of_memory_is_retried_once_with_shorter_pieces(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    real = acestep.generate_piece
    asked: list[float] = []

    def first_call_runs_out(*args: Any, **kwargs: Any) -> Any:
        asked.append(args[2])
        if len(asked) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(acestep, "generate_piece", first_call_runs_out)
    audio = np.concatenate(make_music(model_dir, seed=3, duration_s=5.0))
    assert audio.shape == (5 * FILM_RATE_HZ, 2)
    assert asked[0] > 2.5 and max(asked[1:]) <= 1.5  # pieces of at most half of 3 s after


def test_out_of_memory_twice_hands_over_to_the_procedural_style(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from pipeline.backends import BackendChoice, StageBackends

    def always_out(*_args: Any, **_kwargs: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory.")

    monkeypatch.setattr(acestep, "generate_piece", always_out)
    models = model_dir.parent / "models-oom"
    acestep.default_folder(models).parent.mkdir(parents=True, exist_ok=True)
    acestep.default_folder(models).symlink_to(model_dir)
    choice = BackendChoice(
        music="acestep", model_dir=models, device="cpu", acestep_settings=TEST_SETTINGS
    )
    stages = StageBackends(choice)
    chunks = list(stages.music_chunks("ambient", 2.5, FILM_RATE_HZ, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == round(2.5 * FILM_RATE_HZ)
    assert stages.used["music"] == "procedural"
    assert stages.warnings == [
        "Music: ACE-Step stopped: ACE-Step ran out of GPU memory making 1.5 s of music, even "
        "after a retry with shorter pieces. The ambient style plays the rest."
    ]


def test_a_pipeline_that_does_not_fit_on_the_gpu_leaves_the_procedural_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import diffusers
    import torch

    from pipeline.backends import BackendChoice, StageBackends

    def no_room(*_args: Any, **_kwargs: Any) -> Any:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 11.00 GiB")

    write_tiny_acestep(acestep.default_folder(tmp_path), seed=7)
    monkeypatch.setattr(diffusers.AceStepPipeline, "to", no_room)
    with pytest.raises(BackendUnavailableError, match="does not fit"):
        acestep.load_acestep(acestep.default_folder(tmp_path), "cpu")
    stages = StageBackends(BackendChoice(music="acestep", model_dir=tmp_path, device="cpu"))
    chunks = list(stages.music_chunks("upbeat", 1.5, FILM_RATE_HZ, seed=1, chunk_s=1.0))
    assert sum(len(chunk) for chunk in chunks) == round(1.5 * FILM_RATE_HZ)
    assert stages.used["music"] == "procedural"
    assert stages.warnings == [
        "Music: ACE-Step cannot run here (ACE-Step does not fit in the GPU memory left free.); "
        "the upbeat style is used."
    ]
