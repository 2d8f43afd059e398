"""The shot hook that gives pictures of people a two-layer parallax (an option: it roughly
doubles a frame's drawing cost; see pipeline.picture.parallax and benchmarks/picture_effects).

An image shot that no other hook drew (not a talking character, not a neural clip) is layered
when its picture shows a face and a person mask of a plausible size; other pictures keep the
plain move. Layers are made once per picture (a few are kept for reuse).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from pipeline.media.images import load_rgb
from pipeline.media.yuv import FrameBuffer
from pipeline.neural.face_detector import detect_face
from pipeline.neural.person_segmentation import person_mask
from pipeline.picture.parallax import PersonLayers, draw_parallax, person_layers
from pipeline.picture.shot_pictures import ShotPicture, ShotPictures
from pipeline.picture.shot_plan import ShotSpan
from pipeline.picture.visuals import prepare_rgb
from pipeline.types import VideoFormat

LAYERS_KEPT = 3
"""Pictures whose layers are kept for reuse."""


class ParallaxShots:
    """A ShotPictures hook: parallax frames for pictures of people; other shots go to `inner`
    (talking stills, neural shots) or are drawn plainly."""

    def __init__(self, fmt: VideoFormat, inner: ShotPictures | None = None) -> None:
        self._fmt = fmt
        self._inner = inner
        self._layers: OrderedDict[Path, PersonLayers | None] = OrderedDict()
        self._frame = FrameBuffer(fmt.width, fmt.height)
        self.layered_pictures = 0
        """Pictures found to show people and layered so far."""

    def __call__(self, span: ShotSpan, index: int) -> ShotPicture | None:
        if self._inner is not None:
            picture = self._inner(span, index)
            if picture is not None:
                return picture
        image = span.shot.image
        if image is None or span.shot.speaker is not None:
            return None
        layers = self._layers_of(image)
        if layers is None:
            return None
        progress = (index - span.first) / max(1, span.end - span.first - 1)
        draw_parallax(layers, span.move, progress, self._frame)
        return ShotPicture(self._frame.as_image(), moves=False)

    def _layers_of(self, image: Path) -> PersonLayers | None:
        if image in self._layers:
            self._layers.move_to_end(image)
            return self._layers[image]
        rgb = prepare_rgb(load_rgb(image, image.name), self._fmt)
        layers = None
        if detect_face(rgb) is not None:
            mask = person_mask(rgb)
            layers = person_layers(rgb, mask) if mask is not None else None
        self.layered_pictures += layers is not None
        self._layers[image] = layers
        while len(self._layers) > LAYERS_KEPT:
            self._layers.popitem(last=False)
        return layers
