"""The film as a storyboard of scenes: each scene's place, fingerprint and what was reused.

render.json's "scenes" list holds, per scene, where it sits in the film (seconds and frames),
a fingerprint of what it is made of (its text, speakers, pictures' bytes and voice), and
whether its speech and video were reused from the cache. previous_layout() reads that list
back, so the next render can keep unchanged scenes where they were (see pipeline.timing).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.cache.keys import file_sha256
from pipeline.types import Scene, Script, Timeline

FINGERPRINT_VERSION = 1


@dataclass(frozen=True)
class PreviousScene:
    """Where a scene sat in the last render, in frames, and its fingerprint then."""

    first_frame: int
    frames: int
    fingerprint: str
    speech: tuple[tuple[int, int], ...] = ()
    """Each sentence's (first frame relative to the scene's, frames of speech)."""


@dataclass(frozen=True)
class PreviousLayout:
    """The scenes of the last render, in order, and its frame rate."""

    scenes: tuple[PreviousScene, ...]
    fps: int
    words_per_minute: int | None = None
    """The pace the last render spoke at: kept when the edited script still fits at it, so
    unchanged scenes' speech stays the same."""


def scene_fingerprint(scene: Scene, script: Script, voice: str) -> str:
    """A digest of what a scene is made of: its sentences and speakers, its pictures' bytes
    (the scene's and its speaking characters'), and its voice."""
    speakers = sorted({s.speaker for s in scene.sentences if s.speaker})
    characters = [
        [name, _digest(image)]
        for name in speakers
        if (image := script.character_image(name)) is not None
    ]
    document = {
        "version": FINGERPRINT_VERSION,
        "lines": [[s.text, s.speaker] for s in scene.sentences],
        "images": [_digest(image) for image in scene.images],
        "characters": characters,
        "voice": scene.voice or voice,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _digest(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return f"unreadable:{path.name}"


def scene_records(
    script: Script,
    voice: str,
    firsts: Sequence[int],
    timeline: Timeline,
    fps: int,
    speech_reused: Sequence[bool],
    video_reused: Sequence[bool],
) -> list[dict[str, Any]]:
    """render.json's "scenes": each scene's place, fingerprint and what was reused."""
    total = round(timeline.duration_s * fps)
    ends = [*firsts[1:], total]
    by_scene: dict[int, list[list[int]]] = {}
    for span in timeline.speech:
        start = round(span.start_s * fps)
        frames = math.ceil((span.end_s - span.start_s) * fps - 1e-9)
        by_scene.setdefault(span.sentence.scene_index, []).append([start, frames])
    records = []
    for position, scene in enumerate(script.scenes):
        first, end = firsts[position], ends[position]
        speech = [[start - first, frames] for start, frames in by_scene.get(scene.index, [])]
        records.append(
            {
                "index": position,
                "start_s": round(first / fps, 3),
                "duration_s": round((end - first) / fps, 3),
                "first_frame": first,
                "frames": end - first,
                "fingerprint": scene_fingerprint(scene, script, voice),
                "speech": speech,
                "reused": {
                    "speech": bool(speech_reused[position]),
                    "video": bool(video_reused[position]),
                },
            }
        )
    return records


def previous_layout(record: Mapping[str, Any]) -> PreviousLayout | None:
    """The layout of a previous render from its render.json (as a dict), or None when the
    record has no usable "scenes" list (an older render, or a damaged record)."""
    scenes = record.get("scenes")
    settings = record.get("settings")
    fps = settings.get("fps") if isinstance(settings, Mapping) else None
    if not isinstance(scenes, list) or not scenes or not isinstance(fps, int) or fps <= 0:
        return None
    found = []
    for entry in scenes:
        if not isinstance(entry, Mapping):
            return None
        first, frames, fingerprint = (
            entry.get("first_frame"),
            entry.get("frames"),
            entry.get("fingerprint"),
        )
        if not isinstance(first, int) or not isinstance(frames, int) or frames <= 0:
            return None
        if not isinstance(fingerprint, str):
            return None
        speech = entry.get("speech", [])
        if not isinstance(speech, list) or not all(_is_pair(pair) for pair in speech):
            return None
        pairs = tuple((int(pair[0]), int(pair[1])) for pair in speech)
        found.append(PreviousScene(first, frames, fingerprint, pairs))
    pace = settings.get("words_per_minute") if isinstance(settings, Mapping) else None
    return PreviousLayout(tuple(found), fps, pace if isinstance(pace, int) else None)


def _is_pair(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(number, int) and not isinstance(number, bool) for number in value)
    )
