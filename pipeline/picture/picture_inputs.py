"""What a film's frames are drawn from besides its timeline, as one value the composers pass on.

compose_film and compose_segments (and the FilmFrames they build) take the same picture inputs;
this keeps them in one place instead of two parallel argument lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.picture.focus import Focus
from pipeline.picture.prepared_images import PreparedImages
from pipeline.picture.shot_pictures import ShotPictures
from pipeline.types import Cue


@dataclass(frozen=True)
class PictureInputs:
    """The picture side of a render: everything FilmFrames needs but the timeline and format."""

    seed: int = 0
    """Seeds the Ken Burns moves and transitions."""
    cues: Sequence[Cue] = ()
    """Subtitle cues burned into the picture (none: subtitles stay in their own files)."""
    pictures: ShotPictures | None = None
    """Replaces image shots' pictures (neural lip-sync and animation, talking stills)."""
    focus: Mapping[Path, Focus] | None = None
    """Each picture's face, which its Ken Burns move keeps in view."""
    badge_s: float = 0.0
    """Seconds the "AI-generated" badge shows at the start (0: none)."""
    title: str | None = None
    """The film's title, for its opening and end cards (None: no cards)."""
    prepared: PreparedImages | None = None
    """The film's pictures prepared ahead (before the encoders start), else made as shown."""
