"""Writing a scene back into the script: its paragraph from text, image names and voice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from app.errors import NotFound, Unprocessable
from app.storyboard.board import is_direction, ref_filename
from pipeline.script.scenes import image_name_key

_LABEL = re.compile(r"^\s*([^:：]{1,32}?)\s*[:：]\s*(\S.*)$")
"""A line's ``NAME:`` label and what follows it."""


def image_name(ref: str) -> str:
    """The name a direction line pins an uploaded image by: its file name without extension."""
    return PurePosixPath(ref_filename(ref)).stem


def text_lines(text: str) -> list[str]:
    """A scene's text as lines: blank lines dropped (one would split the scene in two).

    422 when a line is an image or voice direction: those are set with their own fields."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    for line in lines:
        if is_direction(line):
            raise Unprocessable(
                f"The line {line[:80]!r} is a direction; set a scene's image and voice with "
                "the `image` and `voice` fields instead.",
                code="scene_direction_in_text",
            )
    return lines


def with_speaker(lines: Sequence[str], speaker: str, speakers: Sequence[str]) -> list[str]:
    """The scene's lines spoken by speaker as one line (``NAME: text``), or by the narrator
    when speaker is empty; labels of the scene's current speakers are removed first."""
    current = {image_name_key(name) for name in speakers}
    spoken: list[str] = []
    for line in lines:
        match = _LABEL.match(line)
        if match is not None and image_name_key(match.group(1)) in current:
            line = match.group(2)
        spoken.append(line)
    joined = " ".join(spoken)
    return [f"{speaker}: {joined}" if speaker else joined]


def speaker_label(speaker: str | None, image_refs: Sequence[str]) -> str:
    """How a speaker is written so the script reads the line as theirs: as given when an image
    is named after them, else in capitals (screenplay style); "" for the narrator."""
    if not speaker:
        return ""
    named = {image_name_key(image_name(ref)) for ref in image_refs}
    return speaker if image_name_key(speaker) in named else speaker.upper()


def compose(lines: Sequence[str], image_names: Sequence[str], voice: str | None) -> str:
    """A paragraph: the image and voice directions first, then the scene's lines."""
    head = [f"[image: {name}]" for name in image_names]
    if voice:
        head.append(f"[voice: {voice}]")
    return "\n".join([*head, *lines])


def insert_position(position: int | None, count: int) -> int:
    """Where a new scene goes: position (0 = first), or last when None; 422 past the end."""
    if position is None:
        return count
    if position > count:
        raise Unprocessable(
            f"Position {position} is past the end; the film has {count} scene"
            f"{'s' if count != 1 else ''}, so use 0 to {count}.",
            code="scene_position",
        )
    return position


def check_index(index: int, count: int) -> None:
    """404 when the film has no scene at index."""
    if not 0 <= index < count:
        raise NotFound(
            f"The film has no scene {index}; its scenes are numbered 0 to {count - 1}.",
            code="no_such_scene",
        )
