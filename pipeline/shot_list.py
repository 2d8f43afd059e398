"""Cut a laid-out film into shots: scene images, speaking characters, title cards."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from pipeline.types import Script, Shot

MIN_SHOT_S = 1.0
"""Shorter stretches of picture are merged into a neighbouring shot."""

SPEAKER_LEAD_S = 0.25
"""A speaking character's shot starts this long before their first word (and ends as long
after their last) when the silence around allows."""

TITLE_MAX_CHARS = 48
"""Longest title-card text taken from the opening words of a scene."""


def build_shots(
    script: Script,
    starts: list[int],
    speech_frames: list[int],
    total_frames: int,
    fps: int,
    scene_firsts: list[int] | None = None,
) -> list[Shot]:
    """The film's shots, scene by scene, on whole frames: each scene's images shared out
    across its narration, a speaking character's image while they speak (with a little lead),
    a title card where a scene has no image; stretches under MIN_SHOT_S are merged. Each
    scene starts at scene_firsts when given, else in the middle of the pause before it."""
    sentences = script.sentences
    ends = [start + frames for start, frames in zip(starts, speech_frames, strict=True)]
    first_of_scene: dict[int, int] = {}
    last_of_scene: dict[int, int] = {}
    for position, sentence in enumerate(sentences):
        first_of_scene.setdefault(sentence.scene_index, position)
        last_of_scene[sentence.scene_index] = position
    scene_order = [scene.index for scene in script.scenes]
    bounds = [0]
    for previous, following in itertools.pairwise(scene_order):
        hold_start = ends[last_of_scene[previous]]
        hold_end = starts[first_of_scene[following]]
        bounds.append(hold_start + (hold_end - hold_start) // 2)
    if scene_firsts is not None:
        bounds = list(scene_firsts)
    bounds.append(total_frames)

    shots: list[Shot] = []
    min_shot = max(1, round(MIN_SHOT_S * fps))
    for scene, scene_start, scene_end in zip(script.scenes, bounds, bounds[1:], strict=False):
        positions = range(first_of_scene[scene.index], last_of_scene[scene.index] + 1)
        speaking = _speaker_stretches(
            script, positions, starts, ends, scene_start, scene_end, round(SPEAKER_LEAD_S * fps)
        )
        stretches = _absorb_short_gaps(speaking, scene_start, scene_end, min_shot)
        title = _title(scene.sentences[0].text) if scene.sentences else None
        for first, last, speaker in stretches:
            if speaker is not None:
                image = script.character_image(speaker)
                shots.append(_shot(first, last, fps, scene.index, image, None, speaker))
        narration = [(first, last) for first, last, speaker in stretches if speaker is None]
        for first, last, image in _image_pieces(narration, scene.images, min_shot):
            shots.append(
                _shot(first, last, fps, scene.index, image, title if image is None else None)
            )
    shots.sort(key=lambda shot: shot.start_s)
    return _mark_breaks(script, shots)


def _mark_breaks(script: Script, shots: list[Shot]) -> list[Shot]:
    """The first shot of each scene that opens with a stage direction gets scene_break."""
    breaks = {scene.index for scene in script.scenes if scene.opens_with_direction}
    marked: list[Shot] = []
    for shot in shots:
        if shot.scene_index in breaks:
            breaks.discard(shot.scene_index)
            shot = dataclasses.replace(shot, scene_break=True)
        marked.append(shot)
    return marked


def _shot(
    first: int,
    last: int,
    fps: int,
    scene_index: int,
    image: Path | None,
    title: str | None,
    speaker: str | None = None,
) -> Shot:
    return Shot(first / fps, last / fps, scene_index, image, title, speaker)


def _speaker_stretches(
    script: Script,
    positions: range,
    starts: list[int],
    ends: list[int],
    scene_start: int,
    scene_end: int,
    lead: int,
) -> list[tuple[int, int, str]]:
    """(first frame, end frame, speaker) while characters with an image speak.

    A shot opens a little before the first word and closes a little after the last, taking
    at most half the silence shared with a neighbouring sentence.
    """
    sentences = script.sentences
    stretches: list[tuple[int, int, str]] = []
    for position in positions:
        speaker = sentences[position].speaker
        if speaker is None or script.character_image(speaker) is None:
            continue
        if position == positions.start:
            first = max(scene_start, starts[position] - lead)
        else:
            first = starts[position] - min(lead, (starts[position] - ends[position - 1]) // 2)
        if position + 1 == positions.stop:
            last = min(scene_end, ends[position] + lead)
        else:
            last = ends[position] + min(lead, (starts[position + 1] - ends[position]) // 2)
        continues = position > positions.start and sentences[position - 1].speaker == speaker
        if stretches and continues:
            stretches[-1] = (stretches[-1][0], last, speaker)
        else:
            stretches.append((first, last, speaker))
    return stretches


def _absorb_short_gaps(
    speaking: list[tuple[int, int, str]], scene_start: int, scene_end: int, min_shot: int
) -> list[tuple[int, int, str | None]]:
    """The scene cut into speaker and narration stretches; narration stretches shorter than a
    shot go to the neighbouring speaker shots."""
    stretches: list[tuple[int, int, str | None]] = []
    cursor = scene_start
    for speaking_first, speaking_last, name in speaking:
        if speaking_first > cursor:
            stretches.append((cursor, speaking_first, None))
        stretches.append((speaking_first, speaking_last, name))
        cursor = speaking_last
    if cursor < scene_end:
        stretches.append((cursor, scene_end, None))
    if not speaking:
        return stretches
    merged: list[tuple[int, int, str | None]] = []
    for index, (first, last, speaker) in enumerate(stretches):
        if speaker is not None or last - first >= min_shot:
            merged.append((first, last, speaker))
            continue
        has_before = bool(merged) and merged[-1][2] is not None
        has_after = index + 1 < len(stretches) and stretches[index + 1][2] is not None
        if has_before and has_after:
            middle = first + (last - first) // 2
            merged[-1] = (merged[-1][0], middle, merged[-1][2])
            stretches[index + 1] = (middle, *stretches[index + 1][1:])
        elif has_before:
            merged[-1] = (merged[-1][0], last, merged[-1][2])
        elif has_after:
            stretches[index + 1] = (first, *stretches[index + 1][1:])
        else:
            merged.append((first, last, speaker))
    return merged


def _image_pieces(
    narration: list[tuple[int, int]], images: tuple[Path, ...], min_shot: int
) -> list[tuple[int, int, Path | None]]:
    """Split the narration stretches between the scene's images, in order (None: title card)."""
    total = sum(last - first for first, last in narration)
    if total <= 0:
        return []
    if not images:
        return [(first, last, None) for first, last in narration]
    count = max(1, min(len(images), total // min_shot))
    cuts = [round(k * total / count) for k in range(count + 1)]
    pieces: list[tuple[int, int, Path | None]] = []
    offset = 0
    for first, last in narration:
        length = last - first
        stretch: list[tuple[int, int, Path | None]] = []
        for k in range(count):
            low = max(cuts[k], offset)
            high = min(cuts[k + 1], offset + length)
            if high > low:
                stretch.append((first + low - offset, first + high - offset, images[k]))
        offset += length
        pieces.extend(_merge_short(stretch, min_shot))
    return pieces


def _merge_short(
    pieces: list[tuple[int, int, Path | None]], min_shot: int
) -> list[tuple[int, int, Path | None]]:
    merged: list[tuple[int, int, Path | None]] = []
    for first, last, image in pieces:
        if merged and (last - first < min_shot or merged[-1][2] == image):
            merged[-1] = (merged[-1][0], last, merged[-1][2])
        elif merged and merged[-1][1] - merged[-1][0] < min_shot:
            merged[-1] = (merged[-1][0], last, image)
        else:
            merged.append((first, last, image))
    return merged


def _title(text: str) -> str:
    words: list[str] = []
    for word in text.split():
        if len(" ".join([*words, word])) > TITLE_MAX_CHARS:
            return " ".join(words) + "…" if words else word[:TITLE_MAX_CHARS] + "…"
        words.append(word)
    return " ".join(words)
