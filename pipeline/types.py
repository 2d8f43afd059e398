"""Typed values that flow between the pipeline stages.

Every stage takes and returns these (plus paths and numpy arrays), so a notebook, the CLI
and the worker can run any stage on its own. Times are seconds from the start of the film.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

AudioArray = npt.NDArray[np.float32]
"""Audio samples in [-1, 1]: shape (n,) for mono, (n, 2) for stereo."""

Frame = npt.NDArray[np.uint8]
"""One video frame, shape (height, width, 3), RGB."""

ProgressCallback = Callable[[str, float], None]
"""Called as progress(stage_name, fraction_done_of_that_stage in 0..1)."""

FILM_SAMPLE_RATE_HZ = 48_000
DEFAULT_FPS = 30


def no_progress(stage: str, fraction: float) -> None:
    """A progress callback that ignores every report."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of the script, spoken by the narrator (speaker None) or a character."""

    index: int
    scene_index: int
    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Scene:
    """A block of the script between blank lines, with the images shown during it."""

    index: int
    sentences: tuple[Sentence, ...]
    images: tuple[Path, ...] = ()
    opens_with_direction: bool = False
    """True when a stage direction line (``[Night falls.]``) comes before the scene's first
    spoken line: a big break in the story."""
    voice: str | None = None
    """The scene's own voice (a ``[voice: ...]`` line), else None: the film's voice."""


@dataclass(frozen=True)
class Script:
    """A parsed script: its scenes in order and the character images by speaker name."""

    scenes: tuple[Scene, ...]
    language: str
    characters: tuple[tuple[str, Path], ...] = ()

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence of every scene, in order."""
        return tuple(s for scene in self.scenes for s in scene.sentences)

    def character_image(self, speaker: str | None) -> Path | None:
        """The image of a speaking character, or None for the narrator or an unknown name."""
        if speaker is None:
            return None
        return dict(self.characters).get(speaker)


@dataclass(frozen=True)
class SpokenSentence:
    """Synthesised speech for one sentence (mono float32)."""

    sentence: Sentence
    audio: AudioArray
    sample_rate: int
    word_starts: tuple[tuple[int, float], ...] = ()
    """(index of the word's first character in sentence.text, seconds into the audio), when
    the engine reports word timings; empty otherwise."""

    @property
    def duration_s(self) -> float:
        """Length of the speech in seconds."""
        return float(len(self.audio)) / self.sample_rate


@dataclass(frozen=True)
class SpeechSpan:
    """Where one sentence's speech sits in the finished film."""

    sentence: Sentence
    start_s: float
    end_s: float
    word_starts: tuple[tuple[int, float], ...] = ()
    """(index of the word's first character in sentence.text, seconds after start_s), when
    known; empty otherwise."""


@dataclass(frozen=True)
class Shot:
    """A stretch of picture: an image with a Ken Burns move, or a title card when image is None.

    speaker is set when a character with this image is talking (the lip-sync target).
    """

    start_s: float
    end_s: float
    scene_index: int
    image: Path | None = None
    title: str | None = None
    speaker: str | None = None
    scene_break: bool = False
    """True on the first shot of a scene that opens with a stage direction."""

    @property
    def duration_s(self) -> float:
        """Length of the shot in seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Timeline:
    """The laid-out film: its exact length, where each sentence is spoken, and the shots."""

    duration_s: float
    speech: tuple[SpeechSpan, ...]
    shots: tuple[Shot, ...]


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: at most two lines shown from start_s to end_s."""

    start_s: float
    end_s: float
    lines: tuple[str, ...]


@dataclass(frozen=True)
class VideoFormat:
    """Frame size and rate of the output film."""

    width: int
    height: int
    fps: int = DEFAULT_FPS
