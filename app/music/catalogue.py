"""The music catalogue creators pick a project's `music` from."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.music.styles import STYLES


@dataclass(frozen=True)
class MusicChoice:
    """One catalogue entry."""

    id: str
    name: str
    description: str


_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "cinematic": ("Cinematic", "Slow strings-like pads and a low pulse for drama and stories."),
    "ambient": ("Ambient", "Soft evolving textures that stay out of the narration's way."),
    "upbeat": ("Upbeat", "A bright, rhythmic bed for explainers and cheerful stories."),
    "devotional": ("Devotional", "A tanpura-like drone with a slow melodic line."),
    "sloka": ("Sloka", "The devotional drone, suited to chanted verses (same as Devotional)."),
    "none": ("No music", "Narration only."),
}


def catalogue() -> list[MusicChoice]:
    """Every built-in music style the renderer can synthesise, in display order."""
    return [MusicChoice(style, *_DESCRIPTIONS.get(style, (style.title(), ""))) for style in STYLES]


def is_catalogue_style(value: str) -> bool:
    """Whether the value names a built-in style."""
    return value in STYLES
