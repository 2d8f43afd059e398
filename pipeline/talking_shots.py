"""The shot hook that makes speaking characters' stills talk and blink, on the CPU.

For a shot of a speaking character with no neural picture (no Wav2Lip), the character's face
mesh is found once per image (pipeline.neural.face_landmarks), the mouth opening is taken
from the loudness of the character's own lines in the shot, blinks from the seed and the
image's name; each frame is a pure function of the shot and its offset into it
(pipeline.picture.talking_still). A picture without a found face keeps the plain move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.media.heap import release_free_memory
from pipeline.media.images import load_rgb
from pipeline.neural.face_landmarks import find_mesh, release_face_models
from pipeline.picture.blinks import blink_amount, blink_key
from pipeline.picture.shot_pictures import ShotPicture, ShotPictures
from pipeline.picture.shot_plan import ShotSpan
from pipeline.picture.talking_still import TalkingStill, mouth_track
from pipeline.picture.visuals import prepare_rgb
from pipeline.sound.clips import ClipStore
from pipeline.sound.speaker_audio import speaker_audio
from pipeline.types import FILM_SAMPLE_RATE_HZ, SpokenSentence, Timeline, VideoFormat

VERSION = "1"
"""Bump when a talking still's frames change for the same inputs (segment cache keys)."""
PREPARE_THREADS = 2
"""Talking stills built at a time before the encoders start (OpenCV and numpy release the
interpreter while they work)."""
MIN_FACE_PX = 48
"""A face smaller than this (box height in the prepared still) keeps the plain move: its
mouth would move by a pixel or two, too little to read and enough to shimmer."""


@dataclass
class _Talking:
    still: TalkingStill
    opening: np.ndarray
    key: tuple[int, int]
    end: int


class TalkingShots:
    """A ShotPictures hook: talking stills for speaking characters; other shots go to `inner`
    (the neural hook, when there is one) or are drawn plainly."""

    def __init__(
        self,
        timeline: Timeline,
        spoken: Sequence[SpokenSentence],
        clips: ClipStore | None,
        fmt: VideoFormat,
        seed: int,
        inner: ShotPictures | None = None,
    ) -> None:
        self._timeline = timeline
        self._spoken = {clip.sentence.index: clip for clip in spoken}
        self._clips = clips
        self._fmt = fmt
        self._seed = seed
        self._inner = inner
        self._stills: dict[Path, TalkingStill | None] = {}
        self._shots: dict[int, _Talking | None] = {}
        self.talking_shots = 0
        """Shots drawn as talking stills so far."""

    @property
    def segment_safe(self) -> bool:
        """Talking stills are pure per frame; a neural hook inside them is not."""
        return self._inner is None

    def span_inputs(self, span: ShotSpan) -> Any:
        """What a talking shot's frames depend on besides the span and its picture: the
        speaker's sound in the shot, the blink pattern and this module's version."""
        shot = span.shot
        if shot.speaker is None or shot.image is None:
            return None
        audio, rate = self._speaker_audio(span)
        return {
            "talking": VERSION,
            "audio_sha256": hashlib.sha256(audio.tobytes()).hexdigest(),
            "rate": rate,
            "blink": list(blink_key(self._seed, shot.image.name)),
            "fps": self._fmt.fps,
        }

    def _speaker_audio(self, span: ShotSpan) -> tuple[np.ndarray, int]:
        fps = self._fmt.fps
        return speaker_audio(
            self._timeline.speech,
            self._spoken,
            self._clips,
            span.shot.speaker,
            span.first / fps,
            (span.end - span.first) / fps,
            FILM_SAMPLE_RATE_HZ,
        )

    def __call__(self, span: ShotSpan, index: int) -> ShotPicture | None:
        if self._inner is not None:
            picture = self._inner(span, index)
            if picture is not None:
                return picture
        shot = span.shot
        if shot.speaker is None or shot.image is None:
            return None
        for done in [key for key, state in self._shots.items() if state and state.end <= index]:
            del self._shots[done]
        if span.index not in self._shots:
            self._shots[span.index] = self._start(span, shot.image)
        talking = self._shots[span.index]
        if talking is None:
            return None
        offset = min(index - span.first, len(talking.opening) - 1)
        blink = blink_amount(offset / self._fmt.fps, talking.key)
        return ShotPicture(talking.still.frame(float(talking.opening[offset]), blink), moves=True)

    def prepare(self, spans: Sequence[ShotSpan]) -> None:
        """Build the talking stills of these spans' speakers now, then drop the face models:
        called before the encoders start, so neither the pictures' decoding nor the models
        are in memory while x264 runs. (With a neural hook inside, stills stay lazy: they are
        only its fallback.)"""
        if self._inner is not None:
            return
        images = {s.shot.image for s in spans if s.shot.speaker is not None and s.shot.image}
        missing = sorted(image for image in images if image not in self._stills)
        with ThreadPoolExecutor(PREPARE_THREADS, thread_name_prefix="talking-still") as pool:
            self._stills.update(zip(missing, pool.map(self._made_still, missing), strict=True))
        release_face_models()
        release_free_memory()

    def _still(self, image: Path) -> TalkingStill | None:
        if image not in self._stills:
            self._stills[image] = self._made_still(image)
        return self._stills[image]

    def _made_still(self, image: Path) -> TalkingStill | None:
        rgb = prepare_rgb(load_rgb(image, image.name), self._fmt)
        mesh = find_mesh(rgb)
        usable = mesh is not None and mesh.box.height >= MIN_FACE_PX
        return TalkingStill(rgb, mesh.points) if mesh and usable else None

    def _start(self, span: ShotSpan, image: Path) -> _Talking | None:
        still = self._still(image)
        if still is None:
            return None
        fps = self._fmt.fps
        frames = span.end - span.first
        audio, rate = self._speaker_audio(span)
        self.talking_shots += 1
        return _Talking(
            still=still,
            opening=mouth_track(audio, rate, fps, frames),
            key=blink_key(self._seed, image.name),
            end=span.end,
        )
