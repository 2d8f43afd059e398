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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

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
