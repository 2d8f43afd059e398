"""Render benchmark: whole films against the encode-only floor.

    python -m benchmarks.render                      # 1 and 10 minutes at 720p and 1080p
    python -m benchmarks.render --minutes 1 --resolutions 720p --repeat 3
    python -m benchmarks.render --minutes 1 --resolutions 720p --soundfonts auto none
    python -m benchmarks.render --minutes 1 --resolutions 720p --captions shorts
    python -m benchmarks.render --minutes 1 --resolutions 720p --narrators espeak

For each film length and resolution it renders a real film (a generated script sized to the
length, eight 1920x1280 photos, two character portraits with faces (so they talk and blink),
a title (opening and end cards), cinematic music, x264 veryfast CRF 23)
with pipeline.film.render_film in a fresh process, so that process's peak RSS is the film's
own. Then, in another fresh process, it measures the floor: the same encoder, preset and CRF
encoding the same number of ready-made raw frames of the same film held in memory (at most
FLOOR_MEMORY_BYTES of them, cycled for longer films). It prints a Markdown table with wall
seconds per stage, x real time, peak RSS (render process and its ffmpeg), file size, floor
seconds and the render / floor ratio; with --repeat, the min and median of repeats.
--soundfonts renders each configuration once per choice (auto: the installed General MIDI
soundfont, none: the wavetable synthesiser); --captions burns captions in (shorts: libass).

--narrators renders each configuration once per narrator: auto (the default narrator: Kokoro
when the `voice` extra is installed, else espeak-ng) and espeak (espeak-ng, whose narration
takes a fraction of a second). The goal render / floor <= GOAL_RATIO is about the render's
encoding path, so it is judged without the narration stage: (render - tts) / floor of the
espeak-ng render, which is what a re-render with its narration in the stage cache pays. The
ratio with the narration stage is printed too, and for Kokoro it is mostly Kokoro's time.
Per render the table also gives the picture work (CPU seconds of the frame-drawing thread,
OpenCV runs on it alone while encoding) per film minute and per frame, and the process
tree's peak: this process and its ffmpeg children, their RSS summed every SAMPLE_S.
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
import pickle
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from typing import Any

import numpy as np
from PIL import Image

from pipeline.music.choice import MusicChoice
from pipeline.testing.faces import draw_face
from pipeline.vocabulary import TtsBackend

REPOSITORY = Path(__file__).resolve().parent.parent
SECONDS_PER_MINUTE = 60
FILL = 0.78
"""Share of the film the generated narration should cover."""
PHOTO_SIZE = (1920, 1280)
PHOTOS = 8
FLOOR_MEMORY_BYTES = 2_600_000_000
"""Most raw frames the floor holds in memory (1800 frames of 720p, 830 of 1080p)."""
PREP_STAGES = ("images", "script", "tts", "layout", "subtitles")
"""Stages before compose, shown together as 'prep'."""
SOUND_STAGES = ("music", "mix", "audio")
"""Stages of the sound thread, which runs alongside encode."""
SAMPLE_S = 0.05
"""How often the ffmpeg children's peak memory is read."""
GOAL_RATIO = 1.25
"""Goal: render (without its narration stage) / encode-only floor, 720p, one minute."""
GOAL_TREE_MB = 350
"""Goal: the render's process tree (Python and ffmpeg) at 720p, flat in film length."""
NARRATORS: dict[str, TtsBackend] = {"auto": "auto", "espeak": "espeak"}
"""--narrators choices and the TTS backend each renders with."""

WORDS = [
    "the",
    "old",
    "river",
    "carried",
    "quiet",
    "stories",
    "past",
    "a",
    "sleeping",
    "village",
    "while",
    "warm",
    "lanterns",
    "glowed",
    "in",
    "small",
    "windows",
    "and",
    "children",
    "dreamed",
    "of",
    "distant",
    "mountains",
    "covered",
    "with",
    "snow",
    "where",
    "eagles",
    "circled",
    "slowly",
    "above",
    "green",
    "valleys",
    "full",
    "of",
    "wild",
    "flowers",
    "and",
    "ancient",
    "stone",
    "bridges",
    "that",
    "travellers",
    "crossed",
    "at",
    "dawn",
    "carrying",
    "bread",
    "honey",
    "and",
    "letters",
    "from",
    "faraway",
    "friends",
]


def _sentence(rng: np.random.Generator) -> str:
    words = rng.choice(WORDS, size=int(rng.integers(8, 14)))
    return " ".join(words).capitalize() + "."


def make_script(minutes: float, seed: int = 0) -> str:
    """A script of prose scenes and a little dialogue sized to fill about FILL of the film."""
    from pipeline.timing import estimate_narration_s

    rng = np.random.default_rng(seed)
    target_s = minutes * SECONDS_PER_MINUTE * FILL
    scenes: list[str] = []
    while True:
        lines = [" ".join(_sentence(rng) for _ in range(3))]
        if len(scenes) % 4 == 2:
            lines += [f"MAYA: {_sentence(rng)}", f"RAVI: {_sentence(rng)}"]
        candidate = "\n\n".join([*scenes, "\n".join(lines)])
        if estimate_narration_s(candidate, "en") > target_s and scenes:
            return "\n\n".join(scenes)
        scenes.append("\n".join(lines))


def make_photo(path: Path, seed: int, size: tuple[int, int] = PHOTO_SIZE) -> Path:
    """A photo-like JPEG: soft colour fields, shapes, texture and sensor-like noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    picture = np.zeros((height, width, 3), np.float32)
    for channel in range(3):
        phase = rng.uniform(0, 6.3, 3)
        picture[:, :, channel] = (
            120
            + 60 * np.sin(xs / rng.uniform(150, 400) + phase[0])
            + 40 * np.cos(ys / rng.uniform(120, 300) + phase[1])
            + 20 * np.sin((xs + ys) / rng.uniform(30, 80) + phase[2])
        )
    for _ in range(12):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(60, 300)
        mask = ((xs - cx) ** 2 + (ys - cy) ** 2) < radius**2
        picture[mask] = picture[mask] * 0.5 + rng.uniform(0, 255, 3) * 0.5
    picture += rng.normal(0, 6, picture.shape).astype(np.float32)
    Image.fromarray(np.clip(picture, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def make_portrait(path: Path, seed: int, size: tuple[int, int] = (1024, 1280)) -> Path:
    """A character's portrait: a drawn face (which the face models find, so the character
    talks and blinks as in a real film) with sensor-like noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    face = draw_face(width, height, width // 2, int(height * 0.42), int(height * 0.28))
    noisy = face.astype(np.float32) + rng.normal(0, 4, face.shape).astype(np.float32)
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def make_inputs(folder: Path) -> list[Path]:
    """Eight scene photos and the two characters' portraits."""
    images = [make_photo(folder / f"scene{index}.jpg", index) for index in range(PHOTOS)]
    images.append(make_portrait(folder / "MAYA.jpg", 100))
    images.append(make_portrait(folder / "RAVI.jpg", 101))
    return images


def _cpu_s() -> float:
    """CPU seconds (user + system) used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status(entry: Path) -> dict[str, str]:
    try:
        status = (entry / "status").read_text()
    except OSError:
        return {}
    return {
        key: value.strip()
        for key, value in (line.split(":", 1) for line in status.splitlines() if ":" in line)
    }


def _kb(field: str) -> int:
    return int(field.split()[0]) if field else 0


class ChildMemory(threading.Thread):
    """Samples the peak RSS (VmHWM) of this process's ffmpeg children from /proc, and the
    peak of the whole tree: this process's RSS plus its ffmpeg children's, summed per sample.

    (getrusage's children figure counts the Python image a child has between fork and exec,
    so it cannot tell ffmpeg's own memory; for the same reason only processes already named
    ffmpeg are read.)
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.tree_peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        parent = str(os.getpid())
        own = Path("/proc/self")
        while not self._done.wait(SAMPLE_S):
            tree = _kb(_status(own).get("VmRSS", ""))
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                fields = _status(entry)
                is_ffmpeg = fields.get("Name", "").startswith("ffmpeg")
                if is_ffmpeg and fields.get("PPid", "") == parent and "VmHWM" in fields:
                    self.peak_kb = max(self.peak_kb, _kb(fields["VmHWM"]))
                    tree += _kb(fields.get("VmRSS", ""))
            self.tree_peak_kb = max(self.tree_peak_kb, tree)

    def stop(self) -> float:
        """Stop sampling; the ffmpeg children's peak in MB (tree_peak_kb holds the tree's)."""
        self._done.set()
        self.join()
        return self.peak_kb / 1024


class DrawClock:
    """CPU seconds of the thread that draws the film's frames (FilmFrames.render), counted
    by wrapping it in this benchmark's own render process."""

    def __init__(self) -> None:
        from pipeline.media.yuv import FrameBuffer
        from pipeline.picture.visuals import FilmFrames

        self.cpu_s = 0.0
        self.frames = 0
        original = FilmFrames.render

        def render(frames: FilmFrames, index: int, out: FrameBuffer) -> None:
            started = time.thread_time()
            original(frames, index, out)
            self.cpu_s += time.thread_time() - started
            self.frames += 1

        FilmFrames.render = render  # type: ignore[method-assign,assignment]


def run_render(config: dict[str, Any]) -> dict[str, Any]:
    """Child process: render one film and report its numbers."""
    from pipeline.backends import BackendChoice
    from pipeline.film import render_film
    from pipeline.film_request import FilmRequest

    work = Path(config["work"])
    request = FilmRequest(
        script=Path(config["script"]).read_text(encoding="utf-8"),
        images=tuple(Path(path) for path in config["images"]),
        voice="neutral",
        duration_s=config["minutes"] * SECONDS_PER_MINUTE,
        music=MusicChoice.named("cinematic"),
        resolution=config["resolution"],
        captions=config["captions"],
        backends=BackendChoice(soundfont=config["soundfont"], tts=NARRATORS[config["narrator"]]),
        title="The Benchmark Harbour",
    )
    draw = DrawClock()
    children = ChildMemory()
    children.start()
    cpu = _cpu_s()
    started = time.perf_counter()
    result = render_film(request, work / "film")
    wall = time.perf_counter() - started
    cpu = _cpu_s() - cpu
    ffmpeg_mb = children.stop()
    with (work / "timeline.pickle").open("wb") as sink:
        pickle.dump(result.timeline, sink)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "stages": result.stage_seconds,
        "size_bytes": result.facts.size_bytes,
        "rss_mb": _own_peak_rss_mb(),
        "ffmpeg_rss_mb": ffmpeg_mb,
        "tree_mb": children.tree_peak_kb / 1024,
        "draw_cpu_s": draw.cpu_s,
        "drawn_frames": draw.frames,
        "narrator": result.backends.get("used", {}).get("tts", "?"),
        "lufs": result.mix.integrated_lufs,
        "dbtp": result.mix.true_peak_dbtp,
        "instruments": result.backends.get("music_instruments"),
    }


def run_floor(config: dict[str, Any]) -> dict[str, Any]:
    """Child process: encode the film's own frames, ready-made in memory, with the same x264."""
    from pipeline.media.encode import EncodeSettings, encode_frames
    from pipeline.media.yuv import FrameBuffer, frame_bytes
    from pipeline.picture.formats import video_format
    from pipeline.picture.visuals import FilmFrames

    work = Path(config["work"])
    with (work / "timeline.pickle").open("rb") as source:
        timeline = pickle.load(source)  # written by run_render in this benchmark
    fmt = video_format("16:9", config["resolution"])
    frames = FilmFrames(timeline, fmt)
    held_count = min(frames.total_frames, FLOOR_MEMORY_BYTES // frame_bytes(fmt.width, fmt.height))
    held = np.empty((held_count, frame_bytes(fmt.width, fmt.height)), np.uint8)
    buffer = FrameBuffer(fmt.width, fmt.height)
    for index in range(held_count):
        frames.render(index, buffer)
        held[index] = buffer.data

    def copy_frame(index: int, out: FrameBuffer) -> None:
        np.copyto(out.data, held[index % held_count])

    cpu = _cpu_s()
    started = time.perf_counter()
    encode_frames(copy_frame, frames.total_frames, fmt, work / "floor.mp4", None, EncodeSettings())
    wall = time.perf_counter() - started
    return {"floor_s": wall, "cpu_s": _cpu_s() - cpu, "held_frames": held_count}


def _child(mode: str, config: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.render", f"--{mode}", json.dumps(config)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def bench(
    minutes: float,
    resolution: str,
    repeat: int,
    folder: Path,
    images: list[Path],
    soundfont: str = "auto",
    captions: str = "none",
    narrator: str = "auto",
) -> dict[str, Any]:
    """Render and floor runs for one configuration; min/median over repeats."""
    script = folder / f"script-{minutes:g}.txt"
    if not script.exists():
        script.write_text(make_script(minutes), encoding="utf-8")
    renders, floors = [], []
    for run in range(repeat):
        work = folder / f"{minutes:g}min-{resolution}-{soundfont}-{narrator}-{run}"
        work.mkdir(parents=True, exist_ok=True)
        config = {
            "work": str(work),
            "script": str(script),
            "images": [str(path) for path in images],
            "minutes": minutes,
            "resolution": resolution,
            "soundfont": soundfont,
            "captions": captions,
            "narrator": narrator,
        }
        renders.append(_child("render", config))
        floors.append(_child("floor", config))
        print(
            f"  {minutes:g} min {resolution} {narrator} run {run + 1}: "
            f"render {renders[-1]['wall_s']:.1f} s, "
            f"floor {floors[-1]['floor_s']:.1f} s",
            file=sys.stderr,
        )
    return {
        "minutes": minutes,
        "resolution": resolution,
        "captions": captions,
        "narrator": narrator,
        "renders": renders,
        "floors": floors,
    }


def _spread(values: list[float], digits: int = 1) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f}"


def _stage_sum(run: dict[str, Any], names: tuple[str, ...]) -> float:
    return float(sum(run["stages"].get(name, 0.0) for name in names))


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table of all configurations (min / median when repeated)."""
    header = (
        "| film | narrator | music | prep s (tts s) | sound s (music + mix + AAC, alongside) | "
        "encode s | mux + report s | render s | x real time | floor s | render / floor | "
        "(render - tts) / floor | picture CPU s per film min (ms per frame) | "
        "CPU s render / floor | peak MB tree / python / ffmpeg | file MB | LUFS / dBTP |"
    )
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    for item in results:
        renders, floors = item["renders"], item["floors"]
        length_s = item["minutes"] * SECONDS_PER_MINUTE
        walls = [run["wall_s"] for run in renders]
        floor = [run["floor_s"] for run in floors]
        prep = _spread([_stage_sum(run, PREP_STAGES) for run in renders])
        tts = _spread([_stage_sum(run, ("tts",)) for run in renders])
        sound = _spread([_stage_sum(run, SOUND_STAGES) for run in renders])
        encode = _spread([_stage_sum(run, ("encode",)) for run in renders])
        tail = _spread([_stage_sum(run, ("mux", "report")) for run in renders], 2)
        ratio = [wall / floor_s for wall, floor_s in zip(walls, floor, strict=True)]
        bare = [_without_narration(run) / f for run, f in zip(renders, floor, strict=True)]
        speed = f"{length_s / min(walls):.2f}"
        if len(walls) > 1:
            speed += f" / {length_s / statistics.median(walls):.2f}"
        cpu = statistics.median(run["cpu_s"] for run in renders)
        floor_cpu = statistics.median(run["cpu_s"] for run in floors)
        picture = _spread([_picture_per_minute(run, item["minutes"]) for run in renders], 2)
        per_frame = _spread([_picture_ms_per_frame(run) for run in renders], 2)
        rss = (
            f"{max(r.get('tree_mb', 0.0) for r in renders):.0f} / "
            f"{max(r['rss_mb'] for r in renders):.0f} / {max(r['ffmpeg_rss_mb'] for r in renders):.0f}"
        )
        size = statistics.median(run["size_bytes"] for run in renders) / 1e6
        loud = f"{renders[0]['lufs']:.1f} / {renders[0]['dbtp']:.1f}"
        instruments = renders[0].get("instruments") or "-"
        captioned = (
            f", {item['captions']} captions" if item.get("captions", "none") != "none" else ""
        )
        narrator = renders[0].get("narrator", item.get("narrator", "?"))
        lines.append(
            f"| {item['minutes']:g} min {item['resolution']}{captioned} | {narrator} | {instruments} | "
            f"{prep} ({tts}) | {sound} | {encode} | {tail} | {_spread(walls)} | {speed} | "
            f"{_spread(floor)} | {_spread(ratio, 2)} | {_spread(bare, 2)} | {picture} ({per_frame}) | "
            f"{cpu:.1f} / {floor_cpu:.1f} | {rss} | {size:.1f} | {loud} |"
        )
    return "\n".join(lines)


def _without_narration(run: dict[str, Any]) -> float:
    """The render's wall seconds less its narration stage (which runs before everything else)."""
    return float(run["wall_s"] - run["stages"].get("tts", 0.0))


def _picture_per_minute(run: dict[str, Any], minutes: float) -> float:
    return float(run.get("draw_cpu_s", 0.0)) / minutes


def _picture_ms_per_frame(run: dict[str, Any]) -> float:
    return 1000.0 * float(run.get("draw_cpu_s", 0.0)) / max(1, int(run.get("drawn_frames", 0)))


def goals(results: list[dict[str, Any]]) -> list[str]:
    """The lines that judge the goals, on the basis the module docstring states."""
    lines = []
    for item in results:
        if item["resolution"] != "720p":
            continue
        renders, floors = item["renders"], item["floors"]
        bare = statistics.median(
            _without_narration(run) / f["floor_s"] for run, f in zip(renders, floors, strict=True)
        )
        whole = statistics.median(
            run["wall_s"] / f["floor_s"] for run, f in zip(renders, floors, strict=True)
        )
        tree = max(run.get("tree_mb", 0.0) for run in renders)
        narrator = renders[0].get("narrator", "?")
        lines.append(
            f"render {item['minutes']:g} min 720p, {narrator}: {bare:.2f} of floor without the "
            f"narration stage (goal <= {GOAL_RATIO}), {whole:.2f} with it; process tree "
            f"{tree:.0f} MB (goal <= {GOAL_TREE_MB})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or one child step) and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--resolutions", nargs="+", default=["720p", "1080p"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--soundfonts", nargs="+", default=["auto"], help="auto (installed soundfont), none, a path"
    )
    parser.add_argument("--captions", default="none", help="none, subtitles or shorts")
    parser.add_argument(
        "--narrators",
        nargs="+",
        default=list(NARRATORS),
        choices=list(NARRATORS),
        help="auto (the default narrator: Kokoro when installed), espeak (espeak-ng)",
    )
    parser.add_argument("--work", type=Path, default=None, help="keep inputs and films here")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw numbers here")
    parser.add_argument("--render", help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        print(json.dumps(run_render(json.loads(args.render))))
        return 0
    if args.floor:
        print(json.dumps(run_floor(json.loads(args.floor))))
        return 0
    with tempfile.TemporaryDirectory(prefix="render-bench-") as scratch:
        folder = args.work or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        images = make_inputs(folder)
        results = [
            bench(
                minutes, resolution, args.repeat, folder, images, soundfont, args.captions, narrator
            )
            for minutes in args.minutes
            for resolution in args.resolutions
            for soundfont in args.soundfonts
            for narrator in args.narrators
        ]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))
    print()
    print("Goals are judged on the espeak-ng rows, without the narration stage (see --help).")
    print("\n".join(goals(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
