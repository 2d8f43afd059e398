"""The hook through which neural backends replace a shot's picture, frame by frame.

pipeline.picture.visuals draws each image shot with a Ken Burns move over a prepared still. A
ShotPictures hook, when given, is asked first for every frame of every image shot and may
answer with:

- ShotPicture(image, moves=True): a new still to move over (same size as visuals prepares:
  the cover fit at MAX_ZOOM), e.g. the character image with a lip-synced mouth;
- ShotPicture(image, moves=False): the whole output frame, e.g. an animated clip;
- None: draw the shot as usual.

The hook is called from the frame-drawing thread, in frame order during a render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pipeline.media.yuv import YuvImage

if TYPE_CHECKING:
    from pipeline.picture.shot_plan import ShotSpan


@dataclass(frozen=True)
class ShotPicture:
    """A replacement picture for one frame of a shot (see the module docstring)."""

    image: YuvImage
    moves: bool


class ShotPictures(Protocol):
    """Answers the picture of frame `index` (film frame number) of an image shot, or None."""

    def __call__(self, span: ShotSpan, index: int) -> ShotPicture | None:
        """The picture for this frame of the span's shot, or None for the plain shot."""
        ...


@runtime_checkable
class SegmentPictures(ShotPictures, Protocol):
    """A hook whose frames are a pure function of the span, the frame's offset into it and
    what span_inputs names, so a film can be drawn (and cached) one scene segment at a time."""

    @property
    def segment_safe(self) -> bool:
        """Whether every frame this hook draws depends only on span_inputs (and the span)."""
        ...

    def span_inputs(self, span: ShotSpan) -> Any:
        """Everything besides the span itself that this hook's pictures of it depend on (JSON-
        like, for a cache key), or None when the hook leaves the span's shot plain."""
        ...


@runtime_checkable
class PreparingPictures(ShotPictures, Protocol):
    """A hook that can build what some spans' frames need before the encoders start (so the
    tools it builds them with are gone before the encoders reach their peak memory)."""

    def prepare(self, spans: Sequence[ShotSpan]) -> None:
        """Build ahead what these spans' frames need (called once, before drawing them)."""
        ...


def segment_safe(pictures: ShotPictures | None) -> bool:
    """Whether a film drawn with this hook may be cut into independently cached segments."""
    return pictures is None or (isinstance(pictures, SegmentPictures) and pictures.segment_safe)
