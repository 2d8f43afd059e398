"""What plays under the narration: a catalogue style, the creator's own track, or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.music.styles import canonical_style
from pipeline.vocabulary import NO_MUSIC

TRACK_EXTENSIONS = frozenset({".wav", ".mp3", ".ogg", ".oga", ".flac"})
"""File name endings taken as a creator's track when a choice comes as free text."""


@dataclass(frozen=True)
class MusicChoice:
    """A film's music: style (a catalogue name), track (an audio file), or neither (silence).

    Build it with named(), from_track() or silence(); a caller that has both kinds in one
    free-text field (the CLI's --music) uses parse().
    """

    style: str | None = None
    track: Path | None = None

    def __post_init__(self) -> None:
        if self.style is not None and self.track is not None:
            raise InputError("Choose a music style or a music track, not both.")

    @classmethod
    def named(cls, style: str) -> MusicChoice:
        """A catalogue style ("none" means silence); InputError for an unknown name."""
        key = canonical_style(style)
        return cls() if key == NO_MUSIC else cls(style=style.strip().lower())

    @classmethod
    def from_track(cls, path: Path) -> MusicChoice:
        """The creator's own audio file, looped or trimmed to the film."""
        return cls(track=path)

    @classmethod
    def silence(cls) -> MusicChoice:
        """No music."""
        return cls()

    @classmethod
    def parse(cls, text: str) -> MusicChoice:
        """The path of an audio file when the text names one (by its ending, or an existing
        file), else a style name (InputError listing the styles for an unknown one)."""
        path = Path(text)
        if path.suffix.lower() in TRACK_EXTENSIONS or path.is_file():
            return cls.from_track(path)
        return cls.named(text)

    @property
    def is_silent(self) -> bool:
        """True when nothing plays."""
        return self.style is None and self.track is None

    @property
    def label(self) -> str:
        """The choice as recorded in render.json: a style, "none", or the track's file name."""
        if self.track is not None:
            return self.track.name
        return canonical_style(self.style) if self.style is not None else NO_MUSIC

    def check(self) -> None:
        """InputError when the style is unknown or the track file does not exist."""
        if self.track is not None and not self.track.is_file():
            raise InputError(f"The music file {self.track} does not exist.")
        if self.style is not None:
            canonical_style(self.style)
