"""A project's scenes read from its script: text, speakers, images, voice, fingerprint.

The script stays the source of truth: each paragraph is a scene (its API index), and the
parser decides what each one says and shows, exactly as a render will.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.script.scenes import (
    image_name_key,
    parse_storyboard,
    scene_directions,
    scene_paragraphs,
)
from pipeline.vocabulary import VOICES


@dataclass(frozen=True)
class BoardScene:
    """One paragraph of the script as the storyboard shows it."""

    index: int
    text: str
    """The paragraph without its ``[image: ...]`` and ``[voice: ...]`` lines."""
    pinned: tuple[str, ...]
    """Image names the paragraph pins (as written)."""
    voice: str | None
    """The scene's own voice, None for the film's voice."""
    speakers: tuple[str, ...]
    images: tuple[str, ...]
    """Refs of the images shown during the scene (pinned or spread, and its characters')."""
    fingerprint: str | None
    """A digest of what the scene says and shows; None for a paragraph with nothing to say."""


def is_direction(line: str) -> bool:
    """Whether a line is an ``[image: ...]`` or ``[voice: ...]`` direction."""
    found = scene_directions([line])
    return bool(found.images) or found.voice is not None


def body_text(paragraph: str) -> str:
    """A paragraph's lines other than its image and voice directions."""
    return "\n".join(line for line in paragraph.split("\n") if not is_direction(line))


def ref_filename(ref: str) -> str:
    """The file name inside an upload ref `<id>/<filename>`."""
    return ref.split("/", 1)[-1]


def build_board(
    script: str, image_refs: Sequence[str], language: str, film_voice: str
) -> list[BoardScene]:
    """Every paragraph of the script as a scene (InputError when the script says nothing)."""
    paths = [Path(f"/{number}") / ref_filename(ref) for number, ref in enumerate(image_refs)]
    ref_of = {path: ref for path, ref in zip(paths, image_refs, strict=True)}
    parsed, where = parse_storyboard(script, paths, language)
    scene_at = dict(zip(where, parsed.scenes, strict=True))
    characters = dict(parsed.characters)
    board: list[BoardScene] = []
    for index, paragraph in enumerate(scene_paragraphs(script)):
        directions = scene_directions(paragraph.split("\n"))
        voice = directions.voice if directions.voice in VOICES else None
        scene = scene_at.get(index)
        if scene is None:
            board.append(
                BoardScene(index, body_text(paragraph), directions.images, voice, (), (), None)
            )
            continue
        speakers = tuple(dict.fromkeys(s.speaker for s in scene.sentences if s.speaker))
        shown = list(scene.images) + [characters[name] for name in speakers if name in characters]
        refs = tuple(dict.fromkeys(ref_of[path] for path in shown))
        spoken = [[sentence.text, sentence.speaker] for sentence in scene.sentences]
        digest = hashlib.sha256(
            json.dumps([spoken, refs, scene.voice or film_voice], ensure_ascii=False).encode()
        ).hexdigest()
        board.append(
            BoardScene(
                index, body_text(paragraph), directions.images, voice, speakers, refs, digest
            )
        )
    return board


def pinned_refs(scene: BoardScene, image_refs: Sequence[str]) -> list[str]:
    """The refs of the images a scene pins (matched by file name like the parser does)."""
    wanted = {image_name_key(name) for name in scene.pinned}
    return [
        ref for ref in image_refs if image_name_key(PurePosixPath(ref_filename(ref)).stem) in wanted
    ]
