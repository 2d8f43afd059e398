"""Storyboard benchmark: edit one scene of a long film and re-render only what changed.

    python -m benchmarks.storyboard                        # 10 minutes, 20 scenes, 720p
    python -m benchmarks.storyboard --minutes 1 --scenes 4 # a quick run

It writes a synthetic script of --scenes scenes (prose and some dialogue, sized to fill the
film) and a few generated photos in a temporary folder, then renders with the default CPU
backends and burned-in subtitles into a LocalCacheStore in that folder, three times in one
warmed-up process (the way a worker renders): (1) the first render, (2) after the text of one
middle scene is edited (a word swapped for another of the same length, with the first
render's layout passed as FilmRequest.previous), (3) the same again with nothing changed.
It decodes the first and second films to per-frame MD5s (ffmpeg framemd5) and checks that
every frame outside the re-rendered segments is bit-identical, prints a Markdown table and
ends with the edit and unchanged ratios against their goals.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import dataclasses
import json
import os
import subprocess
import tempfile
import time
from typing import Any

import numpy as np

from benchmarks.render import WORDS, make_photo
from pipeline.cache.store import LocalCacheStore
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.media.encode import ffmpeg_exe
from pipeline.music.choice import MusicChoice
from pipeline.storyboard import previous_layout
from pipeline.timing import estimate_narration_s

SECONDS_PER_MINUTE = 60
FILL = 0.75
"""Share of the film the generated narration should cover."""
PHOTOS = 6
PHOTO_SIZE = (1280, 853)
EDIT_GOAL = 0.15
UNCHANGED_GOAL = 0.05
WARM_UP_S = 6.0
"""A tiny render before the timed ones loads every library, as a running worker has."""
WARM_UP_SCRIPT = "The bread was warm. The sea was calm."
EDITED_FROM, EDITED_TO = "bread", "honey"


def _sentence(rng: np.random.Generator) -> str:
    words = rng.choice(WORDS, size=int(rng.integers(8, 14)))
    return " ".join(words).capitalize() + "."


def make_script(minutes: float, scene_count: int, seed: int = 0) -> list[str]:
    """scene_count scenes (a line of dialogue in every fifth) sized to fill about FILL of
    the film; every scene's first sentence holds EDITED_FROM so any one can be edited."""
    rng = np.random.default_rng(seed)
    target_s = minutes * SECONDS_PER_MINUTE * FILL
    scenes = [[f"The {EDITED_FROM} was warm. {_sentence(rng)}"] for _ in range(scene_count)]
    for number in range(scene_count):
        if number % 5 == 3:
            scenes[number].append(f"MAYA: {_sentence(rng)}")
    turn = 0
    while estimate_narration_s(_text(scenes), "en") < target_s:
        scenes[turn % scene_count][0] += " " + _sentence(rng)
        turn += 1
    return ["\n".join(lines) for lines in scenes]


def _text(scenes: list[list[str]] | list[str]) -> str:
    return "\n\n".join(s if isinstance(s, str) else "\n".join(s) for s in scenes)


def frame_md5s(path: Path) -> list[str]:
    """The MD5 of every decoded frame of a film's video, in order."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(path)]
    command += ["-map", "0:v:0", "-f", "framemd5", "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if not line.startswith("#")]


def _timed(request: FilmRequest, out: Path, cache: LocalCacheStore) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    result = render_film(request, out, cache=cache)
    seconds = time.perf_counter() - started
    return seconds, json.loads(result.report.read_text(encoding="utf-8"))


def run(minutes: float, scene_count: int, work: Path) -> dict[str, Any]:
    """Render, edit and re-render, re-render unchanged; the numbers and the frame check."""
    images = tuple(make_photo(work / f"photo{n}.jpg", n, PHOTO_SIZE) for n in range(PHOTOS))
    maya = make_photo(work / "MAYA.jpg", 100, (853, 1066))
    scenes = make_script(minutes, scene_count)
    base = FilmRequest(
        script=_text(scenes),
        images=(*images, maya),
        duration_s=minutes * SECONDS_PER_MINUTE,
        music=MusicChoice(style="cinematic"),
        burn_subtitles=True,
        seed=11,
    )
    warm = dataclasses.replace(
        base, script=WARM_UP_SCRIPT, duration_s=WARM_UP_S, size=(320, 180), images=images[:1]
    )
    render_film(warm, work / "warm", cache=LocalCacheStore(work / "warm-cache"))

    cache = LocalCacheStore(work / "cache")
    first_s, first = _timed(base, work / "first", cache)
    edited_scene = scene_count // 2
    changed = list(scenes)
    changed[edited_scene] = changed[edited_scene].replace(EDITED_FROM, EDITED_TO, 1)
    edit = dataclasses.replace(base, script=_text(changed), previous=previous_layout(first))
    edit_s, edited = _timed(edit, work / "edit", cache)
    again = dataclasses.replace(edit, previous=previous_layout(edited))
    same_s, same = _timed(again, work / "same", cache)

    before = frame_md5s(work / "first" / "film.mp4")
    after = frame_md5s(work / "edit" / "film.mp4")
    redrawn = [s for s in edited["scenes"] if not s["reused"]["video"]]
    inside = {f for s in redrawn for f in range(s["first_frame"], s["first_frame"] + s["frames"])}
    differing = [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    outside = [n for n in differing if n not in inside]
    return {
        "minutes": minutes,
        "scenes": scene_count,
        "edited_scene": edited_scene,
        "first_s": first_s,
        "edit_s": edit_s,
        "same_s": same_s,
        "frames": len(before),
        "same_length": len(before) == len(after),
        "redrawn_scenes": [s["index"] for s in redrawn],
        "differing_frames": len(differing),
        "differing_outside": len(outside),
        "reports": {"first": first, "edit": edited, "same": same},
    }


def table(result: dict[str, Any]) -> str:
    """A Markdown table of the three renders."""
    rows = ["| render | seconds | ratio | video made/reused | speech made/reused | partial |"]
    rows.append("|---|---|---|---|---|---|")
    for name, seconds in (
        ("first", result["first_s"]),
        ("edit", result["edit_s"]),
        ("same", result["same_s"]),
    ):
        report = result["reports"][name]
        cache = report["cache"]

        def counts(stage: str, cache: dict[str, Any] = cache) -> str:
            found = cache.get(stage, {"made": 0, "reused": 0})
            return f"{found['made']}/{found['reused']}"

        partial = "full" if report["partial"]["full"] else "partial"
        ratio = seconds / result["first_s"]
        rows.append(
            f"| {name} | {seconds:.1f} | {ratio:.3f} | {counts('video')} | {counts('speech')} "
            f"| {partial} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table and last line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--scenes", type=int, default=20)
    parser.add_argument("--work", type=Path, default=None, help="keep inputs and films here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="storyboard-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        load = os.getloadavg()[0]
        result = run(args.minutes, args.scenes, work)
    print(
        f"{result['minutes']:g}-minute, {result['scenes']}-scene 720p film, scene "
        f"{result['edited_scene'] + 1} edited; {os.cpu_count()} CPUs, load {load:.1f} at start"
    )
    print(table(result))
    print(
        f"frames: {result['frames']}, same count after the edit: {result['same_length']}; "
        f"scenes redrawn: {[n + 1 for n in result['redrawn_scenes']]}; frames differing: "
        f"{result['differing_frames']}, outside the redrawn segments: {result['differing_outside']}"
    )
    reason = result["reports"]["edit"]["partial"]["reason"]
    if reason:
        print(f"edit render reason: {reason}")
    edit_ratio = result["edit_s"] / result["first_s"]
    same_ratio = result["same_s"] / result["first_s"]
    print(
        f"storyboard: edit {edit_ratio:.2f} of full (goal <= {EDIT_GOAL:.2f}), "
        f"unchanged {same_ratio:.2f} of full (goal <= {UNCHANGED_GOAL:.2f})"
    )
    return 0 if result["differing_outside"] == 0 and result["same_length"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
