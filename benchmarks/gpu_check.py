"""One-command GPU check of the commercial neural backends; prints a timing table.

    python -m benchmarks.gpu_check [--model-dir /models] [--device cuda]

Each backend (Wan2.2 image-to-video, MuseTalk lip-sync, ACE-Step music) runs with a tiny
seeded model built in code (checks the CUDA path: bf16/fp16 load, batched inference, progress)
and, when its real weights are complete under --model-dir, with them (a 2 s 1280x720 shot;
MuseTalk speaks 2 s at 25 fps; ACE-Step makes 60 s of music in 8 turbo steps). Columns:
seconds of compute per second of output, peak VRAM.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline.lipsync import musetalk
from pipeline.lipsync.musetalk_model import missing_files as musetalk_missing
from pipeline.lipsync.wav2lip import LipSyncOptions
from pipeline.music import acestep
from pipeline.neural.registry import ACESTEP_XL_TURBO, MUSETALK_UNET, WAN22_TI2V_5B, model_path
from pipeline.picture import wan_video
from pipeline.picture.image_to_video import VideoSettings
from pipeline.testing.faces import draw_face
from pipeline.testing.tiny_acestep import write_tiny_acestep
from pipeline.testing.tiny_musetalk import write_tiny_musetalk
from pipeline.testing.tiny_wan import write_tiny_wan_pipeline
from pipeline.types import FILM_SAMPLE_RATE_HZ, VideoFormat

TINY_SHOT_S = 1.0
REAL_SHOT_S = 2.0
TINY_FORMAT = VideoFormat(width=96, height=54, fps=24)
REAL_FORMAT = VideoFormat(width=1280, height=720, fps=24)
LIPSYNC_FORMAT = VideoFormat(width=640, height=360, fps=25)
REAL_LIPSYNC = VideoFormat(width=1280, height=720, fps=25)
TINY_SETTINGS = VideoSettings(steps=2, num_frames=9, pixel_area=64 * 64, size_multiple=32)
REAL_STEPS = 30
LIPSYNC_FPS = 25
"""MuseTalk's training frame rate."""
LIPSYNC_BATCH = 16
TINY_MUSIC_S = 12.0
REAL_MUSIC_S = 60.0
TINY_ACESTEP = acestep.AceStepSettings(max_chunk_s=8.0, min_chunk_s=2.0, crossfade_s=1.0)
"""Two crossfaded pieces for the tiny model (checks the piecing on the GPU too)."""


def _peak_vram_gb() -> float:
    import torch

    if not torch.cuda.is_available():
        return 0.0
    return torch.cuda.max_memory_allocated() / 1024**3


def _reset_peak() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()


def _wan_row(
    label: str, folder: Path, fmt: VideoFormat, shot_s: float, video: VideoSettings, device: str
) -> tuple[str, float, float, float]:
    picture = np.random.default_rng(0).integers(0, 255, (270, 480, 3), dtype=np.uint8)
    wan_video.load_pipeline(folder, device)  # loading is not timed: workers keep it warm
    _reset_peak()
    started = time.perf_counter()
    settings = wan_video.settings_from(video)
    shot = wan_video.animate_shot(folder, picture, shot_s, fmt, 1, settings, device)
    frames = sum(1 for _ in shot.frames)
    seconds = time.perf_counter() - started
    assert frames == round(shot_s * fmt.fps), frames
    return label, seconds, seconds / shot_s, _peak_vram_gb()


def _musetalk_row(
    label: str, folder: Path, fmt: VideoFormat, shot_s: float, device: str
) -> tuple[str, float, float, float]:
    face = draw_face(
        fmt.width, fmt.height, cx=fmt.width // 2, cy=fmt.height // 2, size=fmt.height // 4
    )
    t = np.arange(round(shot_s * 16_000)) / 16_000
    speech = (0.3 * np.sin(2 * np.pi * 3 * t) * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    model = musetalk.MuseTalkModel.load(folder, device)  # not timed: workers keep it warm
    options = LipSyncOptions(batch_size=LIPSYNC_BATCH)
    frames_wanted = round(shot_s * LIPSYNC_FPS)
    _reset_peak()
    started = time.perf_counter()
    made = musetalk.lipsync_still(face, speech, 16_000, LIPSYNC_FPS, model, frames_wanted, options)
    frames = sum(1 for _ in made)
    seconds = time.perf_counter() - started
    assert frames == frames_wanted, frames
    return label, seconds, seconds / shot_s, _peak_vram_gb()


def _acestep_row(
    label: str, folder: Path, music_s: float, settings: acestep.AceStepSettings, device: str
) -> tuple[str, float, float, float]:
    acestep.load_acestep(folder, device)  # not timed: workers keep it warm
    steps: list[float] = []
    _reset_peak()
    started = time.perf_counter()
    chunks = acestep.music_chunks(
        folder,
        "cinematic",
        music_s,
        FILM_SAMPLE_RATE_HZ,
        1,
        settings=settings,
        device=device,
        progress=lambda _stage, fraction: steps.append(fraction),
    )
    samples = sum(len(chunk) for chunk in chunks)
    seconds = time.perf_counter() - started
    assert samples == round(music_s * FILM_SAMPLE_RATE_HZ), samples
    assert steps, "no progress was reported"
    assert steps[-1] == 1.0, steps
    return label, seconds, seconds / music_s, _peak_vram_gb()


def main() -> None:
    """Run every check and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path("/models"))
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        tiny = write_tiny_wan_pipeline(Path(scratch) / "wan", seed=0)
        rows.append(
            _wan_row("wan2.2 tiny", tiny, TINY_FORMAT, TINY_SHOT_S, TINY_SETTINGS, args.device)
        )
        lips = write_tiny_musetalk(Path(scratch) / "musetalk", seed=0)
        rows.append(
            _musetalk_row("musetalk tiny 360p", lips, LIPSYNC_FORMAT, TINY_SHOT_S, args.device)
        )
        music = write_tiny_acestep(Path(scratch) / "acestep", seed=0)
        rows.append(_acestep_row("acestep tiny", music, TINY_MUSIC_S, TINY_ACESTEP, args.device))
    real = model_path(WAN22_TI2V_5B, args.model_dir)
    if not wan_video.missing_files(real):
        video = VideoSettings(steps=REAL_STEPS)
        rows.append(
            _wan_row("wan2.2-ti2v-5b 720p", real, REAL_FORMAT, REAL_SHOT_S, video, args.device)
        )
    else:
        print(f"wan2.2-ti2v-5b: weights not in {real}; real-weight row skipped")
    lips_real = model_path(MUSETALK_UNET, args.model_dir)
    if not musetalk_missing(lips_real):
        rows.append(
            _musetalk_row("musetalk-1.5 720p", lips_real, REAL_LIPSYNC, REAL_SHOT_S, args.device)
        )
    else:
        print(f"musetalk-1.5: weights not in {lips_real}; real-weight row skipped")
    music_real = model_path(ACESTEP_XL_TURBO, args.model_dir)
    if acestep.is_available(music_real):
        rows.append(
            _acestep_row(
                "acestep-1.5-xl-turbo 60s",
                music_real,
                REAL_MUSIC_S,
                acestep.DEFAULT_SETTINGS,
                args.device,
            )
        )
    else:
        print(f"acestep-1.5-xl-turbo: weights not in {music_real}; real-weight row skipped")
    print(f"{'backend':<24}{'seconds':>10}{'s per s out':>14}{'peak VRAM GB':>14}")
    for label, seconds, ratio, vram in rows:
        print(f"{label:<24}{seconds:>10.2f}{ratio:>14.2f}{vram:>14.2f}")


if __name__ == "__main__":
    main()
