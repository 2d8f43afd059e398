"""Where each shot sits in frames and how its Ken Burns move runs: planned before drawing."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.cache.keys import file_sha256
from pipeline.picture.focus import Focus
from pipeline.picture.transitions import Transition
from pipeline.types import Shot

MAX_ZOOM = 1.12
"""Largest Ken Burns zoom relative to a cover fit; images are prepared at this scale."""
ZOOM_RATE_PER_S = 0.012
"""Fastest zoom change per second (1.2 % a second: a slow push)."""
PAN_RATE_PER_S = 0.02
"""Fastest pan per second, as a fraction of the frame's width or height."""
CROSSFADE_S = 0.5
"""Length of the dissolve between two shots."""
FACE_HEADROOM = 0.1
"""A held face sits this share of the view above its centre (faces sit high in a frame)."""
FOCUS_MARGIN = 0.15
"""A held face keeps at least this share of the view from its edges."""
DEFAULT_FRAME_ASPECT = 16 / 9
SPEAKER_FOCUS_Y = 0.35
"""Where a speaking character's shot drifts vertically (0 top .. 1 bottom): faces sit high."""


@dataclass(frozen=True)
class KenBurns:
    """A shot's move: zoom (1 = cover fit) and view-centre position (0..1 of the free room)."""

    zoom_start: float
    zoom_end: float
    x_start: float
    x_end: float
    y_start: float
    y_end: float

    def at(self, progress: float) -> tuple[float, float, float]:
        """Zoom and relative centre (x, y) at progress 0..1 through the shot."""
        zoom = self.zoom_start * (self.zoom_end / self.zoom_start) ** progress
        x = self.x_start + (self.x_end - self.x_start) * progress
        y = self.y_start + (self.y_end - self.y_start) * progress
        return zoom, x, y


def shot_identity(shot: Shot, ordinal: int, image_digest: str | None = None) -> int:
    """A number that names a shot by its own content (its picture's bytes or its title, its
    speaker, its place within its scene), never by its place in the film, so a move stays
    the same when other scenes are edited, moved or re-timed."""
    parts = [image_digest or "", shot.title or "", shot.speaker or "", str(ordinal)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def plan_move(
    shot: Shot,
    index: int,
    duration_s: float,
    seed: int,
    focus: Focus | None = None,
    frame_aspect: float = DEFAULT_FRAME_ASPECT,
) -> KenBurns:
    """A deterministic slow zoom and pan for one shot, gentle whatever its length.

    With a focus (the picture's face), the move ends on the face when it zooms in and starts
    on it when it zooms out, and the face stays in view all along, even in a 9:16 or 1:1
    frame cut from a landscape picture (frame_aspect is the frame's width / height). index
    names the shot (see shot_identity): the move's random choices come from it and seed."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, index])
    zoom_span = min(MAX_ZOOM - 1.0, ZOOM_RATE_PER_S * duration_s)
    low = 1.0 + float(rng.uniform(0.0, MAX_ZOOM - 1.0 - zoom_span))
    high = low + zoom_span
    zoom_in = shot.speaker is not None or bool(rng.integers(0, 2))
    zoom_start, zoom_end = (low, high) if zoom_in else (high, low)
    pan = min(0.5, PAN_RATE_PER_S * duration_s / max(MAX_ZOOM - 1.0, 1e-6))
    angle = float(rng.uniform(0.0, 2 * math.pi))
    dx, dy = 0.5 * pan * math.cos(angle), 0.5 * pan * math.sin(angle)
    centre_x, centre_y = 0.5, SPEAKER_FOCUS_Y if shot.speaker is not None else 0.5
    move = KenBurns(
        zoom_start=zoom_start,
        zoom_end=zoom_end,
        x_start=_unit(centre_x - dx),
        x_end=_unit(centre_x + dx),
        y_start=_unit(centre_y - dy),
        y_end=_unit(centre_y + dy),
    )
    return move if focus is None else _held_on(move, focus, frame_aspect)


def view_fractions(zoom: float, image_aspect: float, frame_aspect: float) -> tuple[float, float]:
    """The share of a prepared picture's width and height the view shows at a zoom (1 is the
    cover fit): one of them is 1/zoom, the other smaller when the aspects differ."""
    return (
        min(frame_aspect / image_aspect, 1.0) / zoom,
        min(image_aspect / frame_aspect, 1.0) / zoom,
    )


def _held_on(move: KenBurns, focus: Focus, frame_aspect: float) -> KenBurns:
    """The move with its face end centred on the focus and its other end keeping it in view."""
    face_first = move.zoom_start > move.zoom_end
    ends = []
    for zoom, x, y, on_face in (
        (move.zoom_start, move.x_start, move.y_start, face_first),
        (move.zoom_end, move.x_end, move.y_end, not face_first),
    ):
        view_x, view_y = view_fractions(zoom, focus.aspect, frame_aspect)
        if on_face:
            wanted_x, wanted_y = focus.x, focus.y + FACE_HEADROOM * view_y
        else:
            wanted_x = _centre(x, view_x)
            wanted_y = _centre(y, view_y)
        ends.append(
            (
                _position(_keep_in_view(wanted_x, focus.x, view_x), view_x),
                _position(_keep_in_view(wanted_y, focus.y, view_y), view_y),
            )
        )
    (x_start, y_start), (x_end, y_end) = ends
    return KenBurns(move.zoom_start, move.zoom_end, x_start, x_end, y_start, y_end)


def _centre(position: float, view: float) -> float:
    """The view's centre (0..1 of the picture) for a relative position in the free room."""
    return view / 2 + position * max(0.0, 1.0 - view)


def _position(centre: float, view: float) -> float:
    """The relative position in the free room that puts the view's centre at centre."""
    if view >= 1.0:
        return 0.5
    return _unit((centre - view / 2) / (1.0 - view))


def _keep_in_view(centre: float, subject: float, view: float) -> float:
    """The centre moved as little as needed to keep the subject inside the view's margins."""
    reach = view * (0.5 - FOCUS_MARGIN)
    return min(max(centre, subject - reach), subject + reach)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass(frozen=True)
class ShotSpan:
    """A shot's frames on screen, including the halves of its crossfades: [first, end)."""

    shot: Shot
    index: int
    first: int
    end: int
    fade_in_frames: int
    fade_out_frames: int
    move: KenBurns
    dip_in_frames: int = 0
    """Frames at the start that fade up from black (a dip-to-black transition)."""
    dip_out_frames: int = 0
    """Frames at the end that fade down to black."""


def plan_spans(
    shots: Sequence[Shot],
    fps: int,
    total_frames: int,
    seed: int,
    focus: Mapping[Path, Focus] | None = None,
    frame_aspect: float = DEFAULT_FRAME_ASPECT,
    transitions: Sequence[Transition] | None = None,
) -> list[ShotSpan]:
    """Frame ranges of every shot, overlapping by a crossfade at each cut (or, with
    transitions, one per cut: none at a hard cut, a dip to black without overlap); moves
    hold each picture's focus (its face) when one is known."""
    known = focus or {}
    bounds = [
        (min(total_frames, round(shot.start_s * fps)), min(total_frames, round(shot.end_s * fps)))
        for shot in shots
    ]
    fades = [0] * (len(shots) + 1)
    dips = [0] * (len(shots) + 1)
    for cut in range(1, len(shots)):
        before = bounds[cut - 1][1] - bounds[cut - 1][0]
        after = bounds[cut][1] - bounds[cut][0]
        kind, length_s = ("dissolve", CROSSFADE_S)
        if transitions is not None:
            kind, length_s = transitions[cut - 1].kind, transitions[cut - 1].length_s
        half = max(0, min(round(length_s * fps / 2), before // 3, after // 3))
        if kind == "dissolve":
            fades[cut] = half
        elif kind == "dip":
            dips[cut] = half
    spans: list[ShotSpan] = []
    digests: dict[Path, str] = {}
    ordinals: dict[int, int] = {}
    for index, shot in enumerate(shots):
        ordinal = ordinals.get(shot.scene_index, 0)
        ordinals[shot.scene_index] = ordinal + 1
        start, end = bounds[index]
        if end <= start:
            continue
        digest = None
        if shot.image is not None:
            if shot.image not in digests:
                digests[shot.image] = _digest(shot.image)
            digest = digests[shot.image]
        first = max(0, start - fades[index])
        last = min(total_frames, end + fades[index + 1])
        spans.append(
            ShotSpan(
                shot=shot,
                index=index,
                first=first,
                end=last,
                fade_in_frames=2 * fades[index],
                fade_out_frames=2 * fades[index + 1],
                dip_in_frames=dips[index],
                dip_out_frames=dips[index + 1],
                move=plan_move(
                    shot,
                    shot_identity(shot, ordinal, digest),
                    (last - first) / fps,
                    seed,
                    known.get(shot.image) if shot.image is not None else None,
                    frame_aspect,
                ),
            )
        )
    return spans


def _digest(path: Path) -> str:
    """The picture's content digest; its name when it cannot be read (drawing reports that)."""
    try:
        return file_sha256(path)
    except OSError:
        return path.name
