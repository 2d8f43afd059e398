"""One-command GPU check of the commercial neural backends; prints a timing table.

    python -m benchmarks.gpu_check [--model-dir /models] [--device cuda]

Each backend runs with a tiny seeded model built in code (checks the CUDA path: bf16 load,
inference, per-step progress) and, when its real weights are complete under --model-dir,
with them (a 2 s 1280x720 shot). Columns: seconds of compute per second of output, peak VRAM.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline.neural.registry import WAN22_TI2V_5B, model_path
from pipeline.picture import wan_video
from pipeline.picture.image_to_video import VideoSettings
from pipeline.testing.tiny_wan import write_tiny_wan_pipeline
from pipeline.types import VideoFormat

TINY_SHOT_S = 1.0
REAL_SHOT_S = 2.0
TINY_FORMAT = VideoFormat(width=96, height=54, fps=24)
REAL_FORMAT = VideoFormat(width=1280, height=720, fps=24)
TINY_SETTINGS = VideoSettings(steps=2, num_frames=9, pixel_area=64 * 64, size_multiple=32)
REAL_STEPS = 30


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
    real = model_path(WAN22_TI2V_5B, args.model_dir)
    if wan_video.is_available(real):
        video = VideoSettings(steps=REAL_STEPS)
        rows.append(
            _wan_row("wan2.2-ti2v-5b 720p", real, REAL_FORMAT, REAL_SHOT_S, video, args.device)
        )
    else:
        print(f"wan2.2-ti2v-5b: weights not in {real}; real-weight row skipped")
    print(f"{'backend':<24}{'seconds':>10}{'s per s out':>14}{'peak VRAM GB':>14}")
    for label, seconds, ratio, vram in rows:
        print(f"{label:<24}{seconds:>10.2f}{ratio:>14.2f}{vram:>14.2f}")


if __name__ == "__main__":
    main()
