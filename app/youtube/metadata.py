"""Build the videos.insert body (snippet + status) from a project, within YouTube's limits.

Limits (YouTube Data API, Video resource): title at most 100 characters, description at most
5000 bytes, neither may contain '<' or '>'; tags at most 500 characters in all, counting a
comma between tags and quotes around a tag with a space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.youtube.errors import PublishInputError

Privacy = Literal["private", "unlisted", "public"]

TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500
FILM_AND_ANIMATION_CATEGORY_ID = "1"
"""YouTube's "Film & Animation" category, the default for a film."""
DEFAULT_PRIVACY: Privacy = "private"
ELLIPSIS = "…"
AI_LABEL_LINE = (
    "AI-generated: this film's narration and pictures were made with AI tools; "
    "its Content Credentials (C2PA) say how."
)
"""The disclosure that opens the description of a film whose project asks for the AI label."""
MIN_SENTENCE_CUT_FRACTION = 0.5
"""An overlong description is cut at a sentence end only if that keeps this much of the room."""

_FORBIDDEN_CHARS = re.compile(r"[<>]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SENTENCE_END = re.compile(r"(?:[.!?…][\"'”’»)\]]*(?=\s|$)|[।॥。！？][\"'”’»)\]]*)")
"""A sentence end: . ! ? … before a space or the end, or । ॥ 。 ！ ？ anywhere."""
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_CATEGORY_ID = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class FilmDetails:
    """What the project knows about the film, as the user set it."""

    title: str
    script: str
    language: str = "en"
    has_synthetic_faces: bool = True
    """The film shows generated or lip-synced faces (every studio film with characters)."""
    privacy: Privacy = DEFAULT_PRIVACY
    made_for_kids: bool = False
    tags: Sequence[str] = ()
    category_id: str = FILM_AND_ANIMATION_CATEGORY_ID
    description: str | None = None
    """A description to use instead of the script."""
    contains_synthetic_media: bool | None = None
    """The user's explicit answer to YouTube's altered-or-synthetic question; None: derive it."""
    ai_label: bool = False
    """The project asks for the visible AI label: the description opens with AI_LABEL_LINE."""


@dataclass(frozen=True)
class VideoMetadata:
    """The title, description, tags and settings a video is published with."""

    title: str
    description: str
    tags: tuple[str, ...]
    category_id: str
    language: str
    privacy: Privacy
    made_for_kids: bool
    contains_synthetic_media: bool

    def to_request_body(self) -> dict[str, Any]:
        """The videos.insert request body for part="snippet,status"."""
        snippet: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "categoryId": self.category_id,
            "defaultLanguage": self.language,
            "defaultAudioLanguage": self.language,
        }
        if self.tags:
            snippet["tags"] = list(self.tags)
        return {
            "snippet": snippet,
            "status": {
                "privacyStatus": self.privacy,
                "selfDeclaredMadeForKids": self.made_for_kids,
                "containsSyntheticMedia": self.contains_synthetic_media,
            },
        }


def build_video_metadata(film: FilmDetails) -> VideoMetadata:
    """YouTube-ready metadata for a film; PublishInputError for a title or setting YouTube refuses."""
    title = clean_title(film.title)
    if not title:
        raise PublishInputError("The film needs a title (other than '<' and '>') to publish.")
    if film.privacy not in ("private", "unlisted", "public"):
        raise PublishInputError(
            f"Privacy must be private, unlisted or public, not {film.privacy!r}."
        )
    language = film.language.strip().replace("_", "-")
    if not _LANGUAGE_TAG.match(language):
        raise PublishInputError(f"{film.language!r} is not a language code such as 'en' or 'hi'.")
    category_id = film.category_id.strip()
    if not _CATEGORY_ID.match(category_id):
        raise PublishInputError(f"{film.category_id!r} is not a YouTube category id such as '1'.")
    source = film.description if film.description is not None else film.script
    synthetic = film.contains_synthetic_media
    return VideoMetadata(
        title=title,
        description=_labelled(source) if film.ai_label else clean_description(source),
        tags=clean_tags(film.tags),
        category_id=category_id,
        language=language,
        privacy=film.privacy,
        made_for_kids=film.made_for_kids,
        contains_synthetic_media=film.has_synthetic_faces if synthetic is None else synthetic,
    )


def _labelled(source: str) -> str:
    """The disclosure line, then the description trimmed to the room left."""
    room = DESCRIPTION_MAX_BYTES - len(AI_LABEL_LINE.encode()) - len(b"\n\n")
    body = clean_description(source)
    if len(body.encode()) > room:
        body = _trim_to_bytes(body, room)
    return f"{AI_LABEL_LINE}\n\n{body}" if body else AI_LABEL_LINE


def clean_title(title: str) -> str:
    """One line without '<' '>', at most TITLE_MAX_CHARS, cut at a word with an ellipsis."""
    text = " ".join(_FORBIDDEN_CHARS.sub(" ", title).split())
    if len(text) <= TITLE_MAX_CHARS:
        return text
    cut = text[: TITLE_MAX_CHARS - len(ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def clean_description(text: str) -> str:
    """The text without '<' '>', paragraphs kept, within DESCRIPTION_MAX_BYTES (UTF-8).

    An overlong text ends at the last whole sentence that fits; with no sentence end in
    reach, at the last whole word followed by an ellipsis.
    """
    paragraphs = _BLANK_LINES.split(_FORBIDDEN_CHARS.sub(" ", text.replace("\r\n", "\n")))
    lines = ("\n".join(_clean_line(line) for line in para.split("\n")) for para in paragraphs)
    cleaned = "\n\n".join(para.strip("\n") for para in lines if para.strip())
    if len(cleaned.encode()) <= DESCRIPTION_MAX_BYTES:
        return cleaned
    return _trim_to_bytes(cleaned, DESCRIPTION_MAX_BYTES)


def clean_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Tags without '<' '>' ',' or repeats (case-insensitive), kept in order within TAGS_MAX_CHARS."""
    kept: list[str] = []
    seen: set[str] = set()
    used = 0
    for raw in tags:
        tag = " ".join(re.sub(r"[<>,\"]", " ", raw).split())
        if not tag or tag.casefold() in seen:
            continue
        cost = tag_chars(tag) + (1 if kept else 0)
        if used + cost > TAGS_MAX_CHARS:
            continue
        kept.append(tag)
        seen.add(tag.casefold())
        used += cost
    return tuple(kept)


def tag_chars(tag: str) -> int:
    """What one tag counts towards TAGS_MAX_CHARS: its length, plus 2 quotes if it has a space."""
    return len(tag) + (2 if " " in tag else 0)


def tags_total_chars(tags: Sequence[str]) -> int:
    """What a list of tags counts towards TAGS_MAX_CHARS, commas included."""
    return sum(tag_chars(tag) for tag in tags) + max(len(tags) - 1, 0)


def _clean_line(line: str) -> str:
    return _INLINE_SPACE.sub(" ", line).strip()


def _trim_to_bytes(text: str, limit: int) -> str:
    head_chars = len(text.encode()[:limit].decode(errors="ignore"))
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if m.end() <= head_chars]
    if ends and len(text[: ends[-1]].encode()) >= limit * MIN_SENTENCE_CUT_FRACTION:
        return text[: ends[-1]].rstrip()
    room = text.encode()[: limit - len(ELLIPSIS.encode())].decode(errors="ignore")
    if " " in room:
        room = room[: room.rindex(" ")]
    return room.rstrip() + ELLIPSIS
