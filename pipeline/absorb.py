"""Fit-to-length after an edit: keep every scene where the last render put it when possible.

With the previous render's layout (pipeline.storyboard.PreviousLayout), each scene keeps its
frames. A scene whose speech is as long as before keeps its sentences where they were; one
whose speech changed is laid out again inside its own frames, its pauses growing or shrinking.
When its pauses cannot take the change, the pauses of the scenes on either side lend frames
(those neighbours are laid out again too). When even that is not enough, or the scenes or
the film's length changed, the whole film is laid out as on a first render, and the reason
is given in one sentence.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.storyboard import PreviousLayout
from pipeline.timing import (
    LEAD_IN_S,
    LEAD_IN_WEIGHT,
    MAX_SENTENCE_GAP_S,
    MIN_LEAD_IN_S,
    MIN_SCENE_GAP_S,
    MIN_SENTENCE_GAP_S,
    MIN_SENTENCE_SLOT_S,
    MIN_TAIL_S,
    SCENE_GAP_S,
    SCENE_GAP_WEIGHT,
    SENTENCE_GAP_S,
    SENTENCE_GAP_WEIGHT,
    TAIL_S,
    TAIL_WEIGHT,
    Slot,
    clip_frames,
    layout,
    place_speech,
    share_out,
    timeline_from_starts,
)
from pipeline.types import Script, SpokenSentence, Timeline


@dataclass(frozen=True)
class FitResult:
    """The laid-out film, and why it was laid out whole when a previous layout was given."""

    timeline: Timeline
    absorbed: bool
    reason: str | None


def fit_layout(
    script: Script,
    spoken: Sequence[SpokenSentence],
    duration_s: float,
    fps: int,
    previous: PreviousLayout | None,
) -> FitResult:
    """Lay the film out, keeping the previous render's scene frames when given and possible."""
    if previous is None:
        return FitResult(layout(script, spoken, duration_s, fps), False, None)
    total = round(duration_s * fps)
    placed = _absorb(script, spoken, total, fps, previous)
    if isinstance(placed, str):
        return FitResult(layout(script, spoken, duration_s, fps), False, placed)
    starts, firsts = placed
    frames = clip_frames(spoken, fps)
    timeline = timeline_from_starts(script, spoken, starts, frames, total, fps, firsts)
    return FitResult(timeline, True, None)


@dataclass
class _Scene:
    positions: list[int]
    """Indices of the scene's sentences in the film's sentence order."""
    first: int
    length: int


def _absorb(
    script: Script,
    spoken: Sequence[SpokenSentence],
    total: int,
    fps: int,
    previous: PreviousLayout,
) -> tuple[list[int], list[int]] | str:
    """Start frames of every clip and first frames of every scene, or the reason why not."""
    old = previous.scenes
    if previous.fps != fps:
        return "The frame rate changed, so the whole film was laid out again."
    if len(old) != len(script.scenes):
        return "Scenes were added or removed, so the whole film was laid out again."
    if old[0].first_frame != 0 or old[-1].first_frame + old[-1].frames != total:
        return "The film's length changed, so the whole film was laid out again."
    if any(a.first_frame + a.frames != b.first_frame for a, b in itertools.pairwise(old)):
        return "The previous layout's scenes do not follow one another, so the film was laid out again."
    frames = clip_frames(spoken, fps)
    positions: dict[int, list[int]] = {}
    for position, clip in enumerate(spoken):
        positions.setdefault(clip.sentence.scene_index, []).append(position)
    scenes = [
        _Scene(positions.get(scene.index, []), before.first_frame, before.frames)
        for scene, before in zip(script.scenes, old, strict=True)
    ]
    last = len(scenes) - 1
    starts: list[int | None] = [None] * len(spoken)
    changed: list[int] = []
    for number, scene in enumerate(scenes):
        kept = [(scene.first + start, length) for start, length in old[number].speech]
        mine = [frames[p] for p in scene.positions]
        if [length for _start, length in kept] == mine:
            for position, (start, _length) in zip(scene.positions, kept, strict=True):
                starts[position] = start
        else:
            changed.append(number)
    for number in changed:
        scene = scenes[number]
        need = _least_frames(scene, frames, number == 0, number == last, fps)
        deficit = need - scene.length
        if deficit > 0:
            lent = _borrow(scenes, number, deficit, frames, changed, fps)
            if lent is None:
                grown = sum(frames[p] for p in scene.positions) - sum(
                    length for _start, length in old[number].speech
                )
                return (
                    f"Scene {number + 1}'s narration grew by {grown / fps:.1f} s, more than the "
                    "pauses in it and its neighbours can take, so the whole film was laid out again."
                )
    for number in changed:
        scene = scenes[number]
        placed = _place(scene, frames, number == 0, number == last, fps)
        if placed is None:
            return (
                f"Scene {number + 1}'s narration does not fit its place in the film, "
                "so the whole film was laid out again."
            )
        for position, start in zip(scene.positions, placed, strict=True):
            starts[position] = start
    if any(start is None for start in starts):
        return "A sentence could not be placed, so the whole film was laid out again."
    return [start for start in starts if start is not None], [scene.first for scene in scenes]


def _borrow(
    scenes: list[_Scene],
    number: int,
    deficit: int,
    frames: Sequence[int],
    changed: list[int],
    fps: int,
) -> int | None:
    """Move the bounds next to scene `number` into its neighbours' spare frames (the
    neighbours are then laid out again); the frames lent, or None when they do not have them."""
    last = len(scenes) - 1
    spare: dict[int, int] = {}
    for neighbour in (number + 1, number - 1):
        if 0 <= neighbour <= last:
            need = _least_frames(scenes[neighbour], frames, neighbour == 0, neighbour == last, fps)
            spare[neighbour] = max(0, scenes[neighbour].length - need)
    if sum(spare.values()) < deficit:
        return None
    remaining = deficit
    for neighbour, room in spare.items():
        take = min(room, remaining)
        if take <= 0:
            continue
        remaining -= take
        scenes[neighbour].length -= take
        scenes[number].length += take
        if neighbour < number:
            scenes[number].first -= take
        else:
            scenes[neighbour].first += take
        if neighbour not in changed:
            changed.append(neighbour)
    return deficit


def _slots(scene: _Scene, frames: Sequence[int], first: bool, last: bool, fps: int) -> list[Slot]:
    """The pauses of a scene inside its own frames: before, between and after its sentences
    (a scene's share of the pause at a scene change is half of it)."""
    half = SCENE_GAP_WEIGHT / 2
    before = (
        Slot(MIN_LEAD_IN_S, LEAD_IN_S, math.inf, LEAD_IN_WEIGHT)
        if first
        else Slot(MIN_SCENE_GAP_S / 2, SCENE_GAP_S / 2, math.inf, half)
    )
    slots = [before]
    for position in scene.positions[:-1]:
        duration_s = frames[position] / fps
        preferred = max(SENTENCE_GAP_S, MIN_SENTENCE_SLOT_S - duration_s)
        cap = max(MAX_SENTENCE_GAP_S, preferred)
        slots.append(Slot(MIN_SENTENCE_GAP_S, preferred, cap, SENTENCE_GAP_WEIGHT))
    slots.append(
        Slot(MIN_TAIL_S, TAIL_S, math.inf, TAIL_WEIGHT)
        if last
        else Slot(MIN_SCENE_GAP_S / 2, SCENE_GAP_S / 2, math.inf, half)
    )
    return slots


def _least_frames(scene: _Scene, frames: Sequence[int], first: bool, last: bool, fps: int) -> int:
    """The fewest frames a scene's speech and shortest pauses take (one frame of rounding
    room per pause)."""
    slots = _slots(scene, frames, first, last, fps)
    speech = sum(frames[p] for p in scene.positions)
    return speech + math.ceil(sum(slot.minimum for slot in slots) * fps) + len(slots)


def _place(
    scene: _Scene, frames: Sequence[int], first: bool, last: bool, fps: int
) -> list[int] | None:
    """Start frames of the scene's clips inside its own frames, or None when they do not fit."""
    if not scene.positions:
        return []
    own = [frames[p] for p in scene.positions]
    slots = _slots(scene, frames, first, last, fps)
    silence_s = (scene.length - sum(own)) / fps
    if sum(slot.minimum for slot in slots) > silence_s:
        return None
    starts = place_speech(own, share_out(slots, silence_s), scene.first, fps)
    if starts[-1] + own[-1] > scene.first + scene.length:
        return None
    return starts
