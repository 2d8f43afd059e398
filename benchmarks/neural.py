"""Neural stage benchmark: seconds of compute per second of output, on the device found here.

    python -m benchmarks.neural                         # tiny models, plus real weights if present
    python -m benchmarks.neural --model-dir /models --seconds 20 --size 1280x720
    python -m benchmarks.neural --skip-tiny             # real weights only (a GPU host)
    python -m benchmarks.neural --repeat 3              # fastest of three runs per stage

Two kinds of rows:

- "tiny": the seeded tiny models the tests build in code (a piper-shaped voice, a
  Kokoro-shaped graph, an Indic Parler-TTS with 16-wide layers and a tiny DAC, a MusicGen
  with 16-wide layers, an ACE-Step with 24-wide DiT blocks, a 2-step SVD at 64x32, a
  Wav2Lip-shaped graph, a MuseTalk with 16-wide UNet blocks). They produce noise;
  their numbers are the plumbing cost of each backend (phonemes, windows and crossfades,
  resizing to the film size, face detection, mel features, blending), not model speed.
- "real": every model of the registry whose weights are in MODEL_DIR, with the settings a
  render uses (SVD 25 steps at 1024x576, MusicGen 30 s windows, ACE-Step 8 turbo steps,
  Wav2Lip 96x96 and MuseTalk 256x256 in batches, Indic Parler-TTS narrating Tamil with the
  `female` voice), and Kokoro-82M when the `voice` extra is installed (ONNX Runtime on
  KOKORO_THREADS threads).

Models are loaded (and warmed up) before the clock starts; load time is its own column, and
the peak GPU memory of the torch backends (MuseTalk, ACE-Step, Indic Parler-TTS) is its own
too when they run on CUDA.
Prints a Markdown table, and the rows as JSON with --json.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:
    # Run as a file: put the repository root, not this folder (whose queue.py would shadow
    # the standard library's), on the import path.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from pipeline.lipsync import musetalk
from pipeline.lipsync.musetalk_model import missing_files as musetalk_missing
from pipeline.lipsync.select import load_wav2lip
from pipeline.lipsync.wav2lip import LipSyncOptions, lipsync_still, lipsync_video
from pipeline.music import acestep, musicgen
from pipeline.music.acestep import AceStepSettings
from pipeline.music.musicgen import MusicGenSettings
from pipeline.neural.piper_voices import PIPER_VOICES
from pipeline.neural.registry import (
    ACESTEP_XL_TURBO,
    MUSETALK_UNET,
    MUSICGEN_SMALL,
    SVD_IMG2VID,
    SVD_IMG2VID_XT,
    WAV2LIP,
    is_available,
    model_path,
)
from pipeline.picture import image_to_video
from pipeline.picture.image_to_video import VideoSettings
from pipeline.speech import kokoro, kokoro_model, parler_model, parler_tts, piper_tts
from pipeline.types import FILM_SAMPLE_RATE_HZ, Frame, Sentence, VideoFormat

DEFAULT_SECONDS = 10.0
"""Seconds of output each stage makes."""
DEFAULT_SIZE = (1280, 720)
FPS = 30
WORDS_PER_MINUTE = 160
SEED = 7
TINY_VIDEO = VideoSettings(steps=2, pixel_area=64 * 32, size_multiple=16, decode_chunk_size=4)
TINY_MUSIC = MusicGenSettings(window_s=4.0, context_s=1.0, crossfade_s=0.2)
TINY_ACESTEP = AceStepSettings(max_chunk_s=6.0, min_chunk_s=2.0, crossfade_s=1.0)
TINY_PIPER_VOICE = "en_US-lessac-medium"
"""The name the tiny voice is saved under (the registry's English neutral voice)."""
KOKORO_THREADS = 2
"""ONNX Runtime threads for Kokoro (a small CPU instance's share)."""
LIPSYNC_DETECT_EVERY = 3
"""As a render does (pipeline.backends.DETECT_EVERY_FRAMES)."""

SENTENCES = (
    "The old lighthouse keeper climbed the stairs every evening at dusk.",
    "Far below, the waves broke white against the black rocks of the bay.",
    "He lit the lamp and watched the fishing boats come slowly home.",
    "Nobody in the village remembered a night when the light had failed.",
)

TAMIL_SENTENCES = (
    "அமைதியான நதி பழைய படகு.",
    "காலை ஒளி கிராமம்.",
)
"""Tamil for Indic Parler-TTS, in words the tiny checkpoint's transcript vocabulary holds."""


@dataclass(frozen=True)
class Row:
    """One measurement."""

    kind: str
    stage: str
    model: str
    device: str
    output_s: float
    wall_s: float
    load_s: float
    peak_vram_gb: float | None = None
    """Peak CUDA memory allocated by torch during the run (None: not measured)."""

    @property
    def seconds_per_second(self) -> float:
        """Compute seconds per second of output (below 1: faster than real time)."""
        return self.wall_s / self.output_s if self.output_s else float("nan")


def torch_device() -> str:
    """Where torch-based backends run here."""
    import torch

    if torch.cuda.is_available():
        return f"cuda ({torch.cuda.get_device_name(0)})"
    return f"cpu ({os.cpu_count()} cores)"


def onnx_device() -> str:
    """Where ONNX Runtime backends run here."""
    from pipeline.neural.onnx import CUDA_PROVIDER, available_providers

    return "cuda (onnxruntime-gpu)" if CUDA_PROVIDER in available_providers() else "cpu"


REPEATS = [1]
"""How often each measurement runs; the fastest run is kept (set from --repeat)."""


def timed(work: Callable[[], float]) -> tuple[float, float]:
    """(wall seconds of the fastest of REPEATS runs, what work returned: seconds of output)."""
    best = float("inf")
    output_s = 0.0
    for _ in range(REPEATS[0]):
        started = time.perf_counter()
        output_s = work()
        best = min(best, time.perf_counter() - started)
    return best, output_s


# --- stages ---------------------------------------------------------------------------------


def bench_piper(kind: str, voices_dir: Path, language: str, voice: str) -> Row:
    choice = piper_tts.voice_for(language, voice)
    started = time.perf_counter()
    piper_tts.synthesize_sentence("Warm up.", language, voice, WORDS_PER_MINUTE, voices_dir)
    load_s = time.perf_counter() - started
    sentences = [Sentence(index=i, scene_index=0, text=t) for i, t in enumerate(SENTENCES)]

    def run() -> float:
        spoken = piper_tts.synthesize(sentences, voice, language, WORDS_PER_MINUTE, voices_dir)
        return sum(clip.duration_s for clip in spoken)

    wall_s, output_s = timed(run)
    return Row(kind, "tts", f"piper {choice.model}", onnx_device(), output_s, wall_s, load_s)


def bench_kokoro(kind: str, model_dir: Path | None, language: str, voice: str) -> Row:
    from pipeline.neural.onnx import onnx_providers

    started = time.perf_counter()
    model = kokoro_model.load(model_dir, onnx_providers(None), KOKORO_THREADS)
    kokoro.speak(model, "Warm up.", language, voice, WORDS_PER_MINUTE)  # and its length ratio
    load_s = time.perf_counter() - started
    sentences = [Sentence(index=i, scene_index=0, text=t) for i, t in enumerate(SENTENCES)]

    def run() -> float:
        spoken = kokoro.synthesize(model, sentences, voice, language, WORDS_PER_MINUTE)
        return sum(clip.duration_s for clip in spoken)

    wall_s, output_s = timed(run)
    detail = f"kokoro {language} {voice} ({KOKORO_THREADS} threads)"
    return Row(kind, "tts", detail, onnx_device(), output_s, wall_s, load_s)


def bench_parler(kind: str, folder: Path) -> Row:
    """Indic Parler-TTS narrating Tamil (one clip per sentence, as a render does)."""
    import torch

    started = time.perf_counter()
    model = parler_model.load(folder)
    parler_tts.speak(model, TAMIL_SENTENCES[0], "ta", "female", WORDS_PER_MINUTE)  # warm up
    load_s = time.perf_counter() - started
    sentences = [Sentence(index=i, scene_index=0, text=t) for i, t in enumerate(TAMIL_SENTENCES)]
    cuda = model.device == "cuda"

    def run() -> float:
        spoken = parler_tts.synthesize(model, sentences, "female", "ta", WORDS_PER_MINUTE)
        return sum(clip.duration_s for clip in spoken)

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    wall_s, output_s = timed(run)
    peak = torch.cuda.max_memory_allocated() / 1024**3 if cuda else None
    detail = f"indic-parler-tts ta female ({str(model.dtype).removeprefix('torch.')})"
    return Row(kind, "tts", detail, torch_device(), output_s, wall_s, load_s, peak)


def bench_musicgen(kind: str, folder: Path, seconds: float, settings: MusicGenSettings) -> Row:
    started = time.perf_counter()
    musicgen.load_musicgen(folder)
    load_s = time.perf_counter() - started

    def run() -> float:
        chunks = musicgen.music_chunks(
            folder, "cinematic", seconds, FILM_SAMPLE_RATE_HZ, SEED, settings=settings
        )
        return sum(len(chunk) for chunk in chunks) / FILM_SAMPLE_RATE_HZ

    wall_s, output_s = timed(run)
    return Row(kind, "music", f"musicgen {folder.name}", torch_device(), output_s, wall_s, load_s)


def bench_acestep(kind: str, folder: Path, seconds: float, settings: AceStepSettings) -> Row:
    import torch

    started = time.perf_counter()
    loaded = acestep.load_acestep(folder)
    load_s = time.perf_counter() - started
    cuda = loaded.device == "cuda"

    def run() -> float:
        chunks = acestep.music_chunks(
            folder, "cinematic", seconds, FILM_SAMPLE_RATE_HZ, SEED, settings=settings
        )
        return sum(len(chunk) for chunk in chunks) / FILM_SAMPLE_RATE_HZ

    if cuda:
        torch.cuda.reset_peak_memory_stats()
    wall_s, output_s = timed(run)
    peak = torch.cuda.max_memory_allocated() / 1024**3 if cuda else None
    detail = f"acestep {folder.name}, {settings.steps} steps"
    return Row(kind, "music", detail, torch_device(), output_s, wall_s, load_s, peak)


def bench_svd(
    kind: str, folder: Path, seconds: float, fmt: VideoFormat, settings: VideoSettings
) -> Row:
    picture = _picture(fmt.width, fmt.height)
    started = time.perf_counter()
    image_to_video.load_pipeline(folder)
    load_s = time.perf_counter() - started

    def run() -> float:
        shot = image_to_video.animate_shot(folder, picture, seconds, fmt, SEED, settings)
        return sum(1 for _ in shot.frames) / fmt.fps

    wall_s, output_s = timed(run)
    detail = f"{folder.name}, {settings.steps} steps"
    return Row(kind, "image-to-video", detail, torch_device(), output_s, wall_s, load_s)


def bench_wav2lip(kind: str, model_file: Path, seconds: float, fmt: VideoFormat) -> list[Row]:
    started = time.perf_counter()
    model = load_wav2lip(model_file)
    load_s = time.perf_counter() - started
    face = _face(fmt.width, fmt.height)
    audio = _speech(seconds)
    frames = round(seconds * fmt.fps)
    options = LipSyncOptions(detect_every=LIPSYNC_DETECT_EVERY)
    device = onnx_device()

    def still() -> float:
        made = lipsync_still(face, audio, 16_000, fmt.fps, model, frames, options)
        return sum(1 for _ in made) / fmt.fps

    def video() -> float:
        source = (face for _ in range(frames))
        made = lipsync_video(source, audio, 16_000, fmt.fps, model, options)
        return sum(1 for _ in made) / fmt.fps

    rows = []
    for label, work in (("lip-sync (still)", still), ("lip-sync (video)", video)):
        wall_s, output_s = timed(work)
        rows.append(
            Row(kind, label, f"wav2lip {model_file.name}", device, output_s, wall_s, load_s)
        )
    return rows


MUSETALK_FPS = 25
"""MuseTalk's training frame rate: its rows are measured at it."""


def bench_musetalk(kind: str, folder: Path, seconds: float, fmt: VideoFormat) -> list[Row]:
    """MuseTalk on a still (the film's talking shots) and on a video (/api/ai/lip-sync)."""
    import torch

    started = time.perf_counter()
    model = musetalk.MuseTalkModel.load(folder)
    load_s = time.perf_counter() - started
    face = _face(fmt.width, fmt.height)
    audio = _speech(seconds)
    frames = round(seconds * MUSETALK_FPS)
    options = LipSyncOptions(detect_every=LIPSYNC_DETECT_EVERY)
    cuda = model.device == "cuda"

    def still() -> float:
        made = musetalk.lipsync_still(face, audio, 16_000, MUSETALK_FPS, model, frames, options)
        return sum(1 for _ in made) / MUSETALK_FPS

    def video() -> float:
        source = (face for _ in range(frames))
        made = musetalk.lipsync_video(source, audio, 16_000, MUSETALK_FPS, model, options)
        return sum(1 for _ in made) / MUSETALK_FPS

    rows = []
    for label, work in (("lip-sync (still)", still), ("lip-sync (video)", video)):
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        wall_s, output_s = timed(work)
        peak = torch.cuda.max_memory_allocated() / 1024**3 if cuda else None
        detail = f"musetalk {folder.name}, batch {options.batch_size}"
        rows.append(Row(kind, label, detail, torch_device(), output_s, wall_s, load_s, peak))
    return rows


def _picture(width: int, height: int) -> Frame:
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.dstack([128 + 90 * np.sin(xs / 37), 128 + 90 * np.cos(ys / 29), 128 + 0 * xs])
    picture: Frame = np.clip(image, 0, 255).astype(np.uint8)
    return picture


def _face(width: int, height: int) -> Frame:
    """A frame with a drawn face the Haar cascade finds (as the tests draw it)."""
    from pipeline.testing.faces import draw_face

    return draw_face(width, height, width // 2, height // 2, height // 4)


def _speech(seconds: float) -> np.ndarray:
    t = np.arange(round(seconds * 16_000)) / 16_000
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None)
    return (0.4 * envelope * np.sign(np.sin(2 * np.pi * 150 * t))).astype(np.float32)


# --- tiny and real sets -------------------------------------------------------------------


def tiny_rows(seconds: float, fmt: VideoFormat, folder: Path) -> list[Row]:
    """Every backend with the tiny seeded models the tests build (plumbing cost)."""
    from pipeline.testing.tiny_acestep import write_tiny_acestep
    from pipeline.testing.tiny_kokoro import write_tiny_kokoro
    from pipeline.testing.tiny_musetalk import write_tiny_musetalk
    from pipeline.testing.tiny_musicgen import write_tiny_musicgen
    from pipeline.testing.tiny_parler import write_tiny_parler
    from pipeline.testing.tiny_piper import write_tiny_voice
    from pipeline.testing.tiny_video import write_tiny_video_pipeline
    from pipeline.testing.tiny_wav2lip import build_tiny_wav2lip

    write_tiny_voice(folder / "piper", TINY_PIPER_VOICE)
    write_tiny_kokoro(folder)
    parler = write_tiny_parler(parler_tts.model_folder(folder))
    music = write_tiny_musicgen(folder / "musicgen-tiny")
    ace = write_tiny_acestep(folder / "acestep-tiny")
    video = write_tiny_video_pipeline(folder / "svd-tiny")
    wav2lip = build_tiny_wav2lip(folder / "wav2lip-tiny.onnx")
    lips = write_tiny_musetalk(folder / "musetalk-tiny")
    return [
        bench_piper("tiny", folder / "piper", "en", "neutral"),
        bench_kokoro("tiny", folder, "en", "neutral"),
        bench_parler("tiny", parler),
        bench_musicgen("tiny", music, seconds, TINY_MUSIC),
        bench_acestep("tiny", ace, seconds, TINY_ACESTEP),
        bench_svd("tiny", video, seconds, fmt, TINY_VIDEO),
        *bench_wav2lip("tiny", wav2lip, seconds, fmt),
        *bench_musetalk("tiny", lips, seconds, fmt),
    ]


def real_rows(model_dir: Path, seconds: float, fmt: VideoFormat) -> list[Row]:
    """Every backend whose real weights are in model_dir, with a render's settings."""
    rows: list[Row] = []
    voices = piper_tts.voices_folder(model_dir)
    for language, by_voice in PIPER_VOICES.items():
        voice = next(
            (name for name in by_voice if piper_tts.is_available(voices, language, name)), None
        )
        if voice is not None:
            rows.append(bench_piper("real", voices, language, voice))
            break
    if kokoro_model.packaged_installed():
        rows += [bench_kokoro("real", None, language, "neutral") for language in ("en", "hi")]
    parler = parler_tts.model_folder(model_dir)
    if not parler_model.missing_files(parler):
        rows.append(bench_parler("real", parler))
    if is_available(MUSICGEN_SMALL, model_dir):
        rows.append(
            bench_musicgen(
                "real", model_path(MUSICGEN_SMALL, model_dir), seconds, MusicGenSettings()
            )
        )
    ace = model_path(ACESTEP_XL_TURBO, model_dir)
    if acestep.is_available(ace):
        rows.append(bench_acestep("real", ace, seconds, AceStepSettings()))
    for spec in (SVD_IMG2VID_XT, SVD_IMG2VID):
        if is_available(spec, model_dir):
            rows.append(
                bench_svd("real", model_path(spec, model_dir), seconds, fmt, VideoSettings())
            )
            break
    if is_available(WAV2LIP, model_dir):
        rows.extend(bench_wav2lip("real", model_path(WAV2LIP, model_dir), seconds, fmt))
    lips = model_path(MUSETALK_UNET, model_dir)
    if not musetalk_missing(lips):
        rows.extend(bench_musetalk("real", lips, seconds, fmt))
    return rows


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| models | stage | backend | device | output s | wall s | s per s of output | load s "
        "| peak VRAM GB |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        kind = "tiny (plumbing cost)" if row.kind == "tiny" else "real weights"
        lines.append(
            f"| {kind} | {row.stage} | {row.model} | {row.device} | {row.output_s:.1f} | "
            f"{row.wall_s:.2f} | {row.seconds_per_second:.3f} | {row.load_s:.2f} | "
            f"{'' if row.peak_vram_gb is None else f'{row.peak_vram_gb:.2f}'} |"
        )
    return "\n".join(lines)


def _size(value: str) -> tuple[int, int]:
    width, height = (int(part) for part in value.lower().split("x"))
    return width, height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_dir = os.environ.get("MODEL_DIR") or str(
        Path(os.environ.get("DATA_DIR", "data")) / "models"
    )
    parser.add_argument("--model-dir", type=Path, default=Path(default_dir))
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--size", type=_size, default=DEFAULT_SIZE, help="WIDTHxHEIGHT")
    parser.add_argument("--skip-tiny", action="store_true", help="only the real weights")
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage; the fastest counts")
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
    args = parser.parse_args()
    REPEATS[0] = max(1, args.repeat)
    fmt = VideoFormat(width=args.size[0], height=args.size[1], fps=FPS)
    rows: list[Row] = []
    if not args.skip_tiny:
        with tempfile.TemporaryDirectory(prefix="tiny-models-") as folder:
            rows += tiny_rows(args.seconds, fmt, Path(folder))
    rows += real_rows(args.model_dir, args.seconds, fmt)
    print(
        f"Neural stages, {args.seconds:g} s of output at {fmt.width}x{fmt.height} {fmt.fps} fps; "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"real weights from {args.model_dir}"
        + ("" if any(row.kind == "real" for row in rows) else " (none found)")
        + f"; fastest of {REPEATS[0]}; load average {os.getloadavg()[0]:.1f}"
    )
    print()
    print(table(rows))
    if args.json:
        print(json.dumps([{**asdict(row), "s_per_s": row.seconds_per_second} for row in rows]))


if __name__ == "__main__":
    main()
