"""Pictures of the film: frames for a Timeline, built one at a time in the encoder's format.

Each image shot is cover-fitted to the frame with a slow Ken Burns zoom and pan: a sub-pixel
scale and shift of a prepared Y/U/V copy of the image straight into the output size
(pipeline.picture.ken_burns: a resize kept in phase with the move, the exact warp where it
cannot be), so a slow move stays smooth. Consecutive shots change by the transition the
script's structure calls for (pipeline.picture.transitions: a cut, a dissolve over their
overlapping frames, or a dip to black); a shot without an image is a title card drawn once,
and a film with a title opens and ends on title cards (pipeline.picture.cards). Only the shots on screen
(and a few recently used images) are held in memory, so memory is flat in film length; an
image shown again is read back from disk rather than prepared again.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipeline.media.images import load_rgb
from pipeline.media.yuv import (
    CHROMA_ZERO,
    LUMA_BLACK,
    FrameBuffer,
    YuvImage,
    rgb_to_yuv,
    yuv_to_rgb,
)
from pipeline.picture.badge import badge_overlay
from pipeline.picture.cards import FilmCards
from pipeline.picture.focus import Focus
from pipeline.picture.formats import frame_count
from pipeline.picture.ken_burns import KenBurnsPlane
from pipeline.picture.picture_inputs import PictureInputs
from pipeline.picture.prepared_images import PreparedImages
from pipeline.picture.shot_pictures import PreparingPictures, ShotPictures
from pipeline.picture.shot_plan import MAX_ZOOM, ShotSpan, plan_spans
from pipeline.picture.titles import Overlay, caption_overlay, title_card
from pipeline.picture.transitions import choose_transitions, dip_gain
from pipeline.types import Cue, Frame, Timeline, VideoFormat

FILM_FADE_S = 0.5
"""Fade from black at the start of the film and to black at its end."""
IMAGE_CACHE_SIZE = 3
"""Prepared images kept in memory for reuse (a character who speaks again); the others a
film has shown are read back from disk (pipeline.picture.prepared_images)."""
CUE_TOLERANCE_S = 1e-6
"""Slack when comparing a frame's time with a cue's start and end."""


def prepare_image(rgb: Frame, fmt: VideoFormat) -> YuvImage:
    """Scale an image to cover the frame at MAX_ZOOM (even sides) and convert it to Y/U/V."""
    return rgb_to_yuv(prepare_rgb(rgb, fmt))


def film_pictures(fmt: VideoFormat) -> PreparedImages:
    """An empty store of a film's prepared pictures at fmt: those not added ahead are decoded
    and prepared when first shown; IMAGE_CACHE_SIZE of them stay in memory."""
    return PreparedImages(lambda path: prepare_image(load_rgb(path), fmt), IMAGE_CACHE_SIZE)


def prepare_rgb(rgb: Frame, fmt: VideoFormat) -> Frame:
    """An image scaled to cover the frame at MAX_ZOOM (even sides), still RGB: the still a
    Ken Burns move pans over (a ShotPictures hook returns pictures of this size)."""
    height, width = rgb.shape[:2]
    scale = max(fmt.width / width, fmt.height / height) * MAX_ZOOM
    target_w = max(fmt.width, math.ceil(width * scale))
    target_h = max(fmt.height, math.ceil(height * scale))
    target_w += target_w % 2
    target_h += target_h % 2
    interpolation = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    resized: Frame = np.asarray(
        cv2.resize(rgb, (target_w, target_h), interpolation=interpolation), dtype=np.uint8
    )
    return resized


def warp_into(
    source: YuvImage,
    zoom: float,
    x: float,
    y: float,
    out: FrameBuffer,
    planes: KenBurnsPlane | None = None,
) -> None:
    """Draw the view of a prepared image at zoom (1..MAX_ZOOM) and relative centre (x, y).

    The mapping is sub-pixel: output pixel centres map to fractional source positions, with
    the chroma planes sampled at their own (half-size) pixel centres. planes (reused by a
    caller that draws many frames) holds the drawing's scratch memory.
    """
    scale = zoom / MAX_ZOOM
    source_w, source_h = source.width, source.height
    view_w, view_h = out.width / scale, out.height / scale
    centre_x = view_w / 2 + x * max(0.0, source_w - view_w)
    centre_y = view_h / 2 + y * max(0.0, source_h - view_h)
    inverse = 1.0 / scale
    planes = planes or KenBurnsPlane()
    luma_x = (0.5 - out.width / 2) * inverse + centre_x - 0.5
    luma_y = (0.5 - out.height / 2) * inverse + centre_y - 0.5
    chroma_x = (0.5 - out.width / 4) * inverse + centre_x / 2 - 0.5
    chroma_y = (0.5 - out.height / 4) * inverse + centre_y / 2 - 0.5
    planes.draw(source.y, inverse, luma_x, luma_y, out.y)
    planes.draw(source.u, inverse, chroma_x, chroma_y, out.u)
    planes.draw(source.v, inverse, chroma_x, chroma_y, out.v)


@dataclass
class _CaptionPatch:
    """A subtitle drawn once in Y/U/V with its coverage, ready to blend."""

    top: int
    left: int
    y: np.ndarray
    y_keep: np.ndarray
    u: np.ndarray
    v: np.ndarray
    c_keep: np.ndarray


def _caption_patch(cue: Cue, fmt: VideoFormat) -> _CaptionPatch | None:
    overlay = caption_overlay(cue.lines, fmt.width, fmt.height)
    return None if overlay is None else _patch_of(overlay)


def _patch_of(overlay: Overlay) -> _CaptionPatch:
    """An RGBA overlay converted once to premultiplied Y/U/V planes and their coverage."""
    rgba = overlay.rgba
    yuv = rgb_to_yuv(np.ascontiguousarray(rgba[:, :, :3]))
    alpha = rgba[:, :, 3].astype(np.uint16)
    half = (yuv.u.shape[1], yuv.u.shape[0])
    chroma_alpha = cv2.resize(rgba[:, :, 3], half, interpolation=cv2.INTER_AREA).astype(np.uint16)
    return _CaptionPatch(
        top=overlay.top,
        left=overlay.left,
        y=yuv.y.astype(np.uint16) * alpha,
        y_keep=255 - alpha,
        u=yuv.u.astype(np.uint16) * chroma_alpha,
        v=yuv.v.astype(np.uint16) * chroma_alpha,
        c_keep=255 - chroma_alpha,
    )


def _blend_into(out: FrameBuffer, patch: _CaptionPatch) -> None:
    _blend_patch(out.y, patch.top, patch.left, patch.y, patch.y_keep)
    _blend_patch(out.u, patch.top // 2, patch.left // 2, patch.u, patch.c_keep)
    _blend_patch(out.v, patch.top // 2, patch.left // 2, patch.v, patch.c_keep)


def _blend_patch(
    plane: np.ndarray, top: int, left: int, premultiplied: np.ndarray, keep: np.ndarray
) -> None:
    height, width = keep.shape
    region = plane[top : top + height, left : left + width]
    mixed = region.astype(np.uint16) * keep + premultiplied + 127
    region[...] = (mixed // 255).astype(np.uint8)


class FilmFrames:
    """Builds any frame of a Timeline in yuv420p; fastest when asked for frames in order.

    render(index, out) draws frame `index` into a FrameBuffer. Images are decoded when their
    shot comes on screen and released when it leaves (a few are kept for reuse). A pictures
    hook (pipeline.picture.shot_pictures) may replace image shots' pictures (lip-sync, animation).
    badge_s > 0 draws the "AI-generated" badge over the first badge_s seconds. prepared, when
    given, holds the film's pictures prepared ahead (pipeline.picture.prepared_images).
    """

    def __init__(
        self,
        timeline: Timeline,
        fmt: VideoFormat,
        seed: int = 0,
        cues: Sequence[Cue] = (),
        pictures: ShotPictures | None = None,
        focus: Mapping[Path, Focus] | None = None,
        badge_s: float = 0.0,
        title: str | None = None,
        prepared: PreparedImages | None = None,
    ) -> None:
        self.fmt = fmt
        self._pictures = pictures
        self.total_frames = frame_count(timeline.duration_s, fmt.fps)
        self.spans = plan_spans(
            timeline.shots,
            fmt.fps,
            self.total_frames,
            seed,
            focus,
            fmt.width / fmt.height,
            choose_transitions(timeline.shots, timeline.speech),
        )
        self._film_cards = (
            FilmCards(title, timeline, fmt.width, fmt.height, fmt.fps, self.total_frames)
            if title
            else None
        )
        self._cues = sorted(cues, key=lambda cue: cue.start_s)
        self._images = prepared if prepared is not None else film_pictures(fmt)
        self._cards: dict[int, YuvImage] = {}
        self._captions: dict[int, _CaptionPatch | None] = {}
        self._scratch = FrameBuffer(fmt.width, fmt.height)
        self._planes = KenBurnsPlane()
        self._fade_frames = min(round(FILM_FADE_S * fmt.fps), self.total_frames // 4)
        self._span_ends = [span.end for span in self.spans]
        self._cue_starts = [cue.start_s for cue in self._cues]
        self._badge_frames = min(self.total_frames, round(badge_s * fmt.fps))
        self._badge = (
            _patch_of(badge_overlay(fmt.width, fmt.height)) if self._badge_frames else None
        )

    @classmethod
    def from_inputs(cls, timeline: Timeline, fmt: VideoFormat, inputs: PictureInputs) -> FilmFrames:
        """The frames of timeline drawn from these picture inputs."""
        return cls(
            timeline,
            fmt,
            seed=inputs.seed,
            cues=inputs.cues,
            pictures=inputs.pictures,
            focus=inputs.focus,
            badge_s=inputs.badge_s,
            title=inputs.title,
            prepared=inputs.prepared,
        )

    def prepare_pictures(self, ranges: Sequence[tuple[int, int]]) -> None:
        """Let the shot pictures hook build ahead what the frames in these [first, end)
        ranges need (call it once, before the encoders start)."""
        if isinstance(self._pictures, PreparingPictures):
            self._pictures.prepare(
                [
                    span
                    for span in self.spans
                    if any(span.end > a and span.first < b for a, b in ranges)
                ]
            )

    def _source(self, span: ShotSpan) -> YuvImage:
        shot = span.shot
        if shot.image is None:
            card = self._cards.get(span.index)
            if card is None:
                rgb = title_card(
                    shot.title or "", self.fmt.width, self.fmt.height, shot.scene_index
                )
                card = rgb_to_yuv(rgb)
                self._cards[span.index] = card
            return card
        return self._images.get(shot.image)

    def _draw_span(self, span: ShotSpan, index: int, out: FrameBuffer) -> None:
        self._draw_picture(span, index, out)
        if span.dip_in_frames or span.dip_out_frames:
            gain = dip_gain(
                index - span.first, span.end - span.first, span.dip_in_frames, span.dip_out_frames
            )
            if gain < 1.0:
                _toward_black(out, gain)

    def _draw_picture(self, span: ShotSpan, index: int, out: FrameBuffer) -> None:
        picture = None
        if self._pictures is not None and span.shot.image is not None:
            picture = self._pictures(span, index)
        if picture is not None and not picture.moves:
            out.fill(picture.image)
            return
        source = picture.image if picture is not None else self._source(span)
        if span.shot.image is None:
            out.fill(source)
            return
        length = max(1, span.end - span.first - 1)
        zoom, x, y = span.move.at((index - span.first) / length)
        warp_into(source, zoom, x, y, out, self._planes)

    def _active(self, index: int) -> list[ShotSpan]:
        position = bisect.bisect_right(self._span_ends, index)
        active: list[ShotSpan] = []
        while position < len(self.spans) and self.spans[position].first <= index:
            active.append(self.spans[position])
            position += 1
        on_screen = {span.index for span in active}
        for key in [key for key in self._cards if key not in on_screen]:
            del self._cards[key]
        return active

    def render(self, index: int, out: FrameBuffer) -> None:
        """Draw frame `index` (0-based) into out."""
        if not 0 <= index < self.total_frames:
            raise IndexError(f"Frame {index} is outside the film's {self.total_frames} frames.")
        active = self._active(index)
        if not active:
            out.y.fill(LUMA_BLACK)
            out.u.fill(CHROMA_ZERO)
            out.v.fill(CHROMA_ZERO)
        else:
            self._draw_span(active[0], index, out)
            if len(active) > 1:
                incoming = active[1]
                self._draw_span(incoming, index, self._scratch)
                fade = max(1, incoming.fade_in_frames)
                weight = (index - incoming.first + 0.5) / fade
                _mix_into(out, self._scratch, min(1.0, max(0.0, weight)))
        if self._film_cards is not None:
            self._film_cards.apply(index, out)
        self._apply_film_fade(index, out)
        self._apply_caption(index, out)
        if self._badge is not None and index < self._badge_frames:
            _blend_into(out, self._badge)

    def _apply_film_fade(self, index: int, out: FrameBuffer) -> None:
        if self._fade_frames <= 0:
            return
        from_end = self.total_frames - 1 - index
        level = min(index, from_end)
        if level >= self._fade_frames:
            return
        gain = (level + 0.5) / self._fade_frames
        _toward_black(out, gain)

    @property
    def fade_frames(self) -> int:
        """Frames of the fade from black at the start (and to black at the end)."""
        return self._fade_frames

    @property
    def badge_frames(self) -> int:
        """Frames from the start that show the "AI-generated" badge."""
        return self._badge_frames

    @property
    def pictures(self) -> ShotPictures | None:
        """The hook that replaces image shots' pictures, if any."""
        return self._pictures

    @property
    def film_cards(self) -> FilmCards | None:
        """The opening and end cards, when the film has a title."""
        return self._film_cards

    def caption_at(self, index: int) -> Cue | None:
        """The burned-in subtitle cue shown on frame `index`, if any."""
        number = self._caption_number(index)
        return None if number is None else self._cues[number]

    def _caption_number(self, index: int) -> int | None:
        if not self._cues:
            return None
        time_s = index / self.fmt.fps
        number = bisect.bisect_right(self._cue_starts, time_s + CUE_TOLERANCE_S) - 1
        if number >= 0 and time_s < self._cues[number].end_s - CUE_TOLERANCE_S:
            return number
        return None

    def _apply_caption(self, index: int, out: FrameBuffer) -> None:
        if not self._cues:
            return
        showing = self._caption_number(index)
        for key in [k for k in self._captions if k != showing]:
            del self._captions[key]
        if showing is None:
            return
        if showing not in self._captions:
            self._captions[showing] = _caption_patch(self._cues[showing], self.fmt)
        patch = self._captions[showing]
        if patch is None:
            return
        _blend_into(out, patch)


def _mix_into(out: FrameBuffer, incoming: FrameBuffer, weight: float) -> None:
    """out = out * (1 - weight) + incoming * weight, plane by plane."""
    for mine, theirs in ((out.y, incoming.y), (out.u, incoming.u), (out.v, incoming.v)):
        cv2.addWeighted(mine, 1.0 - weight, theirs, weight, 0.0, dst=mine)


def _toward_black(out: FrameBuffer, gain: float) -> None:
    cv2.addWeighted(out.y, gain, out.y, 0.0, LUMA_BLACK * (1.0 - gain), dst=out.y)
    for plane in (out.u, out.v):
        cv2.addWeighted(plane, gain, plane, 0.0, CHROMA_ZERO * (1.0 - gain), dst=plane)


def iter_frames(
    timeline: Timeline, fmt: VideoFormat, seed: int = 0, cues: Sequence[Cue] = ()
) -> Iterator[YuvImage]:
    """Every frame of the film in order, each a fresh copy (for notebooks and tests)."""
    frames = FilmFrames(timeline, fmt, seed, cues)
    buffer = FrameBuffer(fmt.width, fmt.height)
    for index in range(frames.total_frames):
        frames.render(index, buffer)
        yield YuvImage(buffer.y.copy(), buffer.u.copy(), buffer.v.copy())


def frame_rgb(
    timeline: Timeline, fmt: VideoFormat, index: int, seed: int = 0, cues: Sequence[Cue] = ()
) -> Frame:
    """One frame as RGB, for previews."""
    frames = FilmFrames(timeline, fmt, seed, cues)
    buffer = FrameBuffer(fmt.width, fmt.height)
    frames.render(index, buffer)
    return yuv_to_rgb(buffer.as_image())
