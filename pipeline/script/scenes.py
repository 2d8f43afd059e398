"""Split a script into scenes and sentences, find who speaks, and hand out the images.

Scenes are separated by blank lines. Sentences end at . ! ? । ॥ 。 ！ ？ (overlong ones are split
at commas). A screenplay line ``NAME: text`` makes NAME speak that text; NAME is matched to
the image whose file name is NAME (case and spacing ignored). A direction line
``[image: NAME]`` pins the image named NAME to its scene and ``[voice: male|female|neutral]``
sets the scene's voice (neither is spoken). The other images are spread over the scenes
without a pinned image, in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.languages import get_language
from pipeline.types import Scene, Script, Sentence
from pipeline.vocabulary import VOICES

MAX_SCRIPT_CHARS = 200_000
"""Longest script accepted, in characters (far beyond a 40-minute film)."""

MAX_SENTENCE_CHARS = 180
"""Sentences longer than this are split at commas (then at spaces) into shorter ones."""

TARGET_PIECE_CHARS = 110
"""Preferred length of the pieces an overlong sentence is split into."""

MAX_SPEAKER_NAME_CHARS = 32
MAX_SPEAKER_NAME_WORDS = 3
"""Limits on what counts as a character name before a colon."""

MIN_UNLABELLED_SPEAKER_LINES = 2
"""A capitalised label (``Ravi:``) without a matching image must label this many lines."""

_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof st sr jr vs etc e.g i.e approx mt ft sra srta dra ud uds mme mlle "
    "hr frau nr bzw usw z.b sig dott ing sen rev gen col capt lt sgt"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
"""Words that end with a full stop without ending the sentence (compared case-folded)."""

_NUMBER_ABBREVIATIONS = frozenset({"no", "nr", "fig", "p", "pp", "vol", "ch"})
"""Abbreviations that do not end a sentence when a number follows (``No. 5``)."""

_SPACED_TERMINATORS = ".!?…"
"""Sentence ends that need a following space (or the end of the text) to count."""

_UNSPACED_TERMINATORS = "।॥。！？"
"""Sentence ends that count even when the next sentence follows without a space."""

_CLOSERS = "\"'”’“‘»«)]}"
"""Characters that may follow a sentence end and still belong to that sentence."""

_SOFT_BREAKS = ",;:、，；،—–"
"""Where an overlong sentence may be split."""

_DIRECTION_LINE = re.compile(r"^\s*[(\[].*[)\]]\s*$")
"""A line that is only a stage direction in brackets: not spoken."""

_INLINE_DIRECTION = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*")
"""A bracketed direction inside a character's line, e.g. ``(whispering)``."""

_SCENE_DIRECTION = re.compile(r"^\s*\[\s*(image|voice)\s*:\s*([^\[\]]*?)\s*\]\s*$", re.IGNORECASE)
"""A direction line ``[image: name]`` or ``[voice: name]`` that sets something of its scene."""

_LABEL_LINE = re.compile(rf"^\s*([^:：]{{1,{MAX_SPEAKER_NAME_CHARS}}}?)\s*[:：]\s*(\S.*)$")
"""A line that starts with ``label:``; the label may be a character name."""


@dataclass(frozen=True)
class SceneDirections:
    """What a paragraph's direction lines set: pinned image names (as written) and a voice."""

    images: tuple[str, ...] = ()
    voice: str | None = None
    """A voice from pipeline.vocabulary.VOICES, or the raw text when it names none."""


def parse_script(text: str, images: Sequence[Path], language: str) -> Script:
    """Parse a script into scenes and sentences and assign the images.

    Raises InputError for an empty script, one with nothing to say, or an unknown language.
    """
    return parse_storyboard(text, images, language)[0]


def parse_storyboard(
    text: str, images: Sequence[Path], language: str
) -> tuple[Script, tuple[int, ...]]:
    """parse_script, and for each scene the index of its paragraph in scene_paragraphs(text)
    (a paragraph with nothing to say makes no scene)."""
    get_language(language)
    if len(text) > MAX_SCRIPT_CHARS:
        raise InputError(
            f"The script has {len(text):,} characters; the limit is {MAX_SCRIPT_CHARS:,}."
        )
    blocks = _scene_blocks(text)
    if not blocks:
        raise InputError("The script is empty; write at least one sentence to narrate.")
    image_by_name = {_name_key(path.stem): path for path in images}
    speakers = _speaker_names(blocks, image_by_name)

    scene_lines: list[list[tuple[str | None, str]]] = []
    directed: list[bool] = []
    pending_direction = False
    directions: list[SceneDirections] = []
    paragraphs: list[int] = []
    for block_index, block in enumerate(blocks):
        lines = _spoken_lines(block, speakers)
        pending_direction = pending_direction or _is_stage_direction(block[0])
        if lines:
            scene_lines.append(lines)
            directed.append(pending_direction)
            pending_direction = False
            directions.append(scene_directions(block))
            paragraphs.append(block_index)
    if not scene_lines:
        raise InputError("The script has nothing to narrate; write at least one sentence.")

    characters = _characters(scene_lines, image_by_name)
    scene_images = _scene_images(images, characters, directions, image_by_name)

    scenes: list[Scene] = []
    index = 0
    for scene_index, lines in enumerate(scene_lines):
        sentences: list[Sentence] = []
        for speaker, line in lines:
            for piece in split_sentences(line):
                sentences.append(Sentence(index, scene_index, piece, speaker))
                index += 1
        voice = directions[scene_index].voice
        scenes.append(
            Scene(
                scene_index,
                tuple(sentences),
                scene_images[scene_index],
                opens_with_direction=directed[scene_index],
                voice=voice if voice in VOICES else None,
            )
        )
    if index == 0:
        raise InputError("The script has nothing to narrate; write at least one sentence.")
    script = Script(scenes=tuple(scenes), language=language, characters=characters)
    return script, tuple(paragraphs)


def scene_paragraphs(text: str) -> list[str]:
    """The script's paragraphs (its scenes before parsing), each one's lines stripped."""
    return ["\n".join(block) for block in _scene_blocks(text)]


def join_paragraphs(paragraphs: Sequence[str]) -> str:
    """A script made of these paragraphs, separated by blank lines."""
    return "\n\n".join(paragraph.strip() for paragraph in paragraphs)


def _is_stage_direction(line: str) -> bool:
    """A bracketed line that directs the story (``[Night falls.]``), not an ``[image: ...]``
    or ``[voice: ...]`` setting of the scene."""
    return bool(_DIRECTION_LINE.match(line)) and _SCENE_DIRECTION.match(line) is None


def scene_directions(lines: Sequence[str]) -> SceneDirections:
    """The ``[image: ...]`` and ``[voice: ...]`` lines of a paragraph (the last voice wins)."""
    pinned: list[str] = []
    voice: str | None = None
    for line in lines:
        match = _SCENE_DIRECTION.match(line)
        if match is None or not match.group(2):
            continue
        if match.group(1).casefold() == "image":
            pinned.append(match.group(2))
        else:
            voice = match.group(2).casefold()
    return SceneDirections(tuple(pinned), voice)


def image_name_key(name: str) -> str:
    """How an image's file name (without extension) is matched to a name in the script."""
    return _name_key(name)


def _scene_images(
    images: Sequence[Path],
    characters: tuple[tuple[str, Path], ...],
    directions: list[SceneDirections],
    image_by_name: dict[str, Path],
) -> list[tuple[Path, ...]]:
    """Pinned images where a scene names them; the other images spread over the rest."""
    pins = [
        tuple(
            dict.fromkeys(
                image_by_name[_name_key(name)]
                for name in scene.images
                if _name_key(name) in image_by_name
            )
        )
        for scene in directions
    ]
    used = {path for _, path in characters} | {path for scene in pins for path in scene}
    scenery = [path for path in images if path not in used]
    free = [index for index, pinned in enumerate(pins) if not pinned]
    spread = spread_images(scenery, len(free))
    for position, index in enumerate(free):
        pins[index] = spread[position]
    return pins


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences; overlong ones are split at commas, then spaces."""
    sentences: list[str] = []
    for sentence in _split_at_terminators(_collapse_spaces(text)):
        sentences.extend(_split_overlong(sentence))
    return [s for s in sentences if _has_letters(s)]


def spread_images(images: Sequence[Path], scene_count: int) -> list[tuple[Path, ...]]:
    """Give each scene a contiguous, in-order share of the images.

    With at least as many images as scenes every image is used once (earlier scenes take the
    extra ones); with fewer, each image covers a run of neighbouring scenes. No images: none.
    """
    if scene_count <= 0:
        return []
    count = len(images)
    if count == 0:
        return [() for _ in range(scene_count)]
    if count < scene_count:
        return [(images[scene * count // scene_count],) for scene in range(scene_count)]
    shares: list[tuple[Path, ...]] = []
    for scene in range(scene_count):
        start = scene * count // scene_count
        end = (scene + 1) * count // scene_count
        shares.append(tuple(images[start:end]))
    return shares


def _scene_blocks(text: str) -> list[list[str]]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _name_key(name: str) -> str:
    """A name folded for matching: case, spaces, underscores and hyphens ignored."""
    return "".join(ch for ch in name.casefold() if ch not in " _-.'")


def _is_name(label: str) -> bool:
    words = label.split()
    if not words or len(words) > MAX_SPEAKER_NAME_WORDS:
        return False
    if not unicodedata.category(label[0]).startswith("L"):
        return False
    return all(unicodedata.category(ch)[0] in "LM" or ch in " .'-" for ch in label)


def _is_cased(label: str) -> bool:
    return label.upper() != label.lower()


def _speaker_names(blocks: list[list[str]], image_by_name: dict[str, Path]) -> set[str]:
    """The name keys of the labels that really are speakers.

    A label is a speaker when an image has its name, when it is written in capitals
    (screenplay style), when its script has no letter case (Devanagari, Tamil...), or when it
    labels several lines.
    """
    counts: Counter[str] = Counter()
    accepted: set[str] = set()
    for block in blocks:
        for line in block:
            match = _LABEL_LINE.match(line)
            if match is None or not _is_name(match.group(1)):
                continue
            label = match.group(1)
            key = _name_key(label)
            counts[key] += 1
            if key in image_by_name or not _is_cased(label) or label == label.upper():
                accepted.add(key)
    accepted.update(key for key, count in counts.items() if count >= MIN_UNLABELLED_SPEAKER_LINES)
    return accepted


def _spoken_lines(block: list[str], speakers: set[str]) -> list[tuple[str | None, str]]:
    """A scene's lines as (speaker or None, text); narration lines in a row are joined."""
    lines: list[tuple[str | None, str]] = []
    narration: list[str] = []

    def flush() -> None:
        if narration:
            lines.append((None, " ".join(narration)))
            narration.clear()

    for line in block:
        if _DIRECTION_LINE.match(line):
            continue
        match = _LABEL_LINE.match(line)
        if match is not None and _name_key(match.group(1)) in speakers:
            flush()
            spoken = _INLINE_DIRECTION.sub(" ", match.group(2)).strip()
            if _has_letters(spoken):
                lines.append((" ".join(match.group(1).split()), spoken))
        else:
            narration.append(line)
    flush()
    return lines


def _characters(
    scene_lines: list[list[tuple[str | None, str]]], image_by_name: dict[str, Path]
) -> tuple[tuple[str, Path], ...]:
    """(speaker, image) for each speaker with an image; speakers keep their first spelling."""
    spelling: dict[str, str] = {}
    for lines in scene_lines:
        for index, (speaker, text) in enumerate(lines):
            if speaker is None:
                continue
            key = _name_key(speaker)
            canonical = spelling.setdefault(key, speaker)
            lines[index] = (canonical, text)
    return tuple(
        (name, image_by_name[key]) for key, name in spelling.items() if key in image_by_name
    )


def _collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the terminator at text[stop] ends a sentence.

    Not when the next word starts in lower case (``"Stop!" she said``), and for a full stop
    not after an abbreviation or an initial.
    """
    rest = text[stop + 1 :].lstrip(_CLOSERS + " " + _SPACED_TERMINATORS)
    if rest and rest[0].islower():
        return False
    if text[stop] != ".":
        return True
    start = stop
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:stop].casefold().lstrip("\"'“‘«([")
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    return not (word in _NUMBER_ABBREVIATIONS and rest[:1].isdigit())


def _split_at_terminators(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    position = 0
    length = len(text)
    while position < length:
        char = text[position]
        if char in _SPACED_TERMINATORS or char in _UNSPACED_TERMINATORS:
            end = position + 1
            while end < length and (text[end] in _SPACED_TERMINATORS + _UNSPACED_TERMINATORS):
                end += 1
            while end < length and text[end] in _CLOSERS:
                end += 1
            at_gap = end == length or text[end].isspace()
            unspaced = char in _UNSPACED_TERMINATORS
            if (at_gap or unspaced) and (unspaced or _ends_sentence(text, position)):
                sentences.append(text[start:end].strip())
                start = end
            position = end
        else:
            position += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _split_overlong(sentence: str) -> list[str]:
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [sentence]
    pieces = _pieces(sentence, lambda ch: ch in _SOFT_BREAKS)
    result: list[str] = []
    for piece in _merge(pieces):
        if len(piece) > MAX_SENTENCE_CHARS:
            result.extend(_merge(_pieces(piece, str.isspace)))
        else:
            result.append(piece)
    return result


def _pieces(text: str, is_break: Callable[[str], bool]) -> list[str]:
    """Split after each break character, keeping it with the text before."""
    pieces: list[str] = []
    start = 0
    for index, char in enumerate(text):
        if is_break(char):
            pieces.append(text[start : index + 1].strip())
            start = index + 1
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _merge(pieces: list[str]) -> list[str]:
    """Join neighbouring pieces while they stay near the target length."""
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) + 1 + len(piece) <= TARGET_PIECE_CHARS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged
