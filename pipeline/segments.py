"""The film's picture cut into scene segments, each named by a cache key of what draws it.

A segment runs from the frame where the shot list puts a scene's bound to the next one. The
crossfade at a bound straddles it, so the frames of one segment may show shots of the
neighbouring scene: a segment's key therefore holds everything that draws any of its frames,
in positions relative to its first frame (so a segment that only moves in time keeps its key):
the shots on screen (their frame range, fades and Ken Burns move, their picture's bytes or
title), which subtitle shows on each frame, the film's fades and badge where they reach it,
the frame format, the encoder and its settings, the seed and this module's version.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imageio_ffmpeg import get_ffmpeg_version

from pipeline.cache.keys import cache_key, file_sha256
from pipeline.media.encode import AUTO_ENCODER, EncodeSettings, video_encoder
from pipeline.picture.shot_pictures import SegmentPictures
from pipeline.picture.visuals import FilmFrames
from pipeline.types import Shot, VideoFormat

STAGE = "video"
VERSION = "2"
"""Bump when the drawing or the segment encoding changes the output for the same inputs."""


@dataclass(frozen=True)
class Segment:
    """One scene's stretch of the film's frames: [first, first + frames), and its cache key."""

    scene: int
    """The scene's position in the script (0-based)."""
    first: int
    frames: int
    key: str


def scene_first_frames(shots: Sequence[Shot], scene_count: int, fps: int) -> list[int]:
    """The first frame of each scene (its earliest shot), in script order; a scene without a
    shot of its own starts where the next one does."""
    firsts: dict[int, int] = {}
    for shot in shots:
        frame = round(shot.start_s * fps)
        firsts[shot.scene_index] = min(frame, firsts.get(shot.scene_index, frame))
    ordered = sorted(firsts.values())
    if len(ordered) != scene_count:
        raise ValueError("Every scene needs at least one shot to be cut into segments.")
    return [0, *ordered[1:]]


def plan_segments(
    frames: FilmFrames,
    firsts: Sequence[int],
    fmt: VideoFormat,
    settings: EncodeSettings,
    seed: int,
) -> list[Segment]:
    """The segments of the film frames draws (one per scene, from firsts), with their keys."""
    total = frames.total_frames
    bounds = [*firsts, total]
    digests: dict[Path, str] = {}
    encoder = video_encoder() if settings.encoder == AUTO_ENCODER else settings.encoder
    common = {
        "format": fmt,
        "settings": settings,
        "encoder": encoder,
        "ffmpeg": get_ffmpeg_version(),
        "seed": seed,
    }
    segments = []
    for scene, (first, end) in enumerate(itertools.pairwise(bounds)):
        drawn = _drawn_inputs(frames, first, end, digests)
        key = cache_key(STAGE, VERSION, frames=end - first, drawn=drawn, **common)
        segments.append(Segment(scene=scene, first=first, frames=end - first, key=key))
    return segments


def _drawn_inputs(
    frames: FilmFrames, first: int, end: int, digests: dict[Path, str]
) -> dict[str, Any]:
    """Everything that draws frames [first, end), relative to first."""
    shots = []
    hook = frames.pictures
    pictures = hook if isinstance(hook, SegmentPictures) else None
    for span in frames.spans:
        if span.end <= first or span.first >= end:
            continue
        image = span.shot.image
        if image is not None and image not in digests:
            digests[image] = file_sha256(image)
        shots.append(
            {
                "first": span.first - first,
                "end": span.end - first,
                "fade_in": span.fade_in_frames,
                "fade_out": span.fade_out_frames,
                "move": span.move,
                "image": digests[image] if image is not None else None,
                "title": span.shot.title if image is None else None,
                "card_scene": span.shot.scene_index if image is None else None,
                "dip_in": span.dip_in_frames,
                "dip_out": span.dip_out_frames,
                "picture": pictures.span_inputs(span) if pictures and image is not None else None,
            }
        )
    total = frames.total_frames
    fade = frames.fade_frames
    return {
        "shots": shots,
        "captions": _caption_runs(frames, first, end),
        "fade": fade,
        "from_start": first if first < fade else None,
        "to_end": total - end if total - end < fade else None,
        "badge": max(0, min(end, frames.badge_frames) - first),
        "cards": _card_runs(frames, first, end),
    }


def _card_runs(frames: FilmFrames, first: int, end: int) -> dict[str, Any] | None:
    """The title and the opening and end cards' frame ranges that reach [first, end), relative
    to first (a card's fade depends on where it starts and ends)."""
    cards = frames.film_cards
    if cards is None:
        return None
    times = cards.times
    runs = [
        [card_first - first, card_end - first]
        for card_first, card_end in ((0, times.opening_end), (times.end_first, times.total))
        if card_first < card_end and card_first < end and card_end > first
    ]
    return {"title": cards.title, "runs": runs} if runs else None


def _caption_runs(frames: FilmFrames, first: int, end: int) -> list[list[Any]]:
    """[first frame, end frame, lines] of each burned-in subtitle shown, relative to first."""
    runs: list[list[Any]] = []
    for index in range(first, end):
        cue = frames.caption_at(index)
        lines = list(cue.lines) if cue is not None else None
        if runs and runs[-1][2] == lines and runs[-1][1] == index - first:
            runs[-1][1] += 1
        elif lines is not None:
            runs.append([index - first, index - first + 1, lines])
    return runs
