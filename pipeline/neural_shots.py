"""The shot hook of a render's neural backends: InfiniteTalk or lip-sync (MuseTalk or Wav2Lip)
on speaking characters, image-to-video clips on the other images, made while the film encodes
(see pipeline.picture.shot_pictures).

Each shot's pictures are produced in order and forgotten once the film is past the shot;
render.json records each neural shot (kind, seeds, face found) and the seconds spent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import BackendUnavailableError
from pipeline.lipsync.mel import MEL_SAMPLE_RATE_HZ
from pipeline.lipsync.musetalk import MuseTalkModel
from pipeline.lipsync.sync import model_name, sync_still
from pipeline.lipsync.wav2lip import LipSyncOptions, Wav2LipModel
from pipeline.media.images import load_rgb
from pipeline.media.yuv import YuvImage, rgb_to_yuv
from pipeline.neural.fallback import BackendLog
from pipeline.neural.talking_models import INFINITETALK_ADAPTER
from pipeline.picture import image_to_video, wan_video
from pipeline.picture.image_to_video import VideoSettings, shot_seed
from pipeline.picture.select import KEN_BURNS
from pipeline.picture.shot_pictures import ShotPicture
from pipeline.picture.shot_plan import ShotSpan
from pipeline.picture.visuals import prepare_rgb
from pipeline.sound.clips import ClipStore
from pipeline.sound.speaker_audio import speaker_audio
from pipeline.talking.settings import TalkSettings
from pipeline.types import AudioArray, Frame, SpokenSentence, Timeline, VideoFormat


@dataclass(frozen=True)
class NeuralShotOptions:
    """How the neural shots run: lip-sync options, image-to-video settings, the device,
    InfiniteTalk's settings."""

    lipsync: LipSyncOptions
    video: VideoSettings
    device: str | None
    talking: TalkSettings = field(default_factory=TalkSettings)


@dataclass
class ShotRecords:
    """What render.json keeps about neural shots: one record each, and seconds per kind."""

    shots: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"lipsync": 0.0, "animate": 0.0})


@dataclass
class _ShotFrames:
    """The pictures of one shot, produced in order; restarted for a frame already passed."""

    end: int
    """The span's end frame (exclusive), to forget the shot once the film is past it."""
    make: Callable[[], Iterator[ShotPicture]] | None
    """None: the plain shot."""
    clock: str = ""
    seconds: dict[str, float] | None = None
    frames: Iterator[ShotPicture] | None = None
    produced: int = 0
    last: ShotPicture | None = None

    def at(self, offset: int) -> ShotPicture | None:
        if self.make is None:
            return None
        if self.last is not None and offset == self.produced - 1:
            return self.last
        if self.frames is None or offset < self.produced - 1:
            self.frames, self.produced = self.make(), 0
        started = time.perf_counter()
        while self.produced <= offset:
            self.last = next(self.frames, self.last)
            self.produced += 1
        if self.seconds is not None:
            self.seconds[self.clock] += time.perf_counter() - started
        return self.last


class NeuralShots:
    """A ShotPictures hook: lip-sync on speaking characters, image-to-video on other images."""

    def __init__(
        self,
        options: NeuralShotOptions,
        log: BackendLog,
        records: ShotRecords,
        timeline: Timeline,
        spoken: Sequence[SpokenSentence],
        clips: ClipStore | None,
        fmt: VideoFormat,
        seed: int,
        model: Wav2LipModel | MuseTalkModel | None,
        video_folder: Path | None,
        talking_folder: Path | None = None,
    ) -> None:
        self._options = options
        self._log = log
        self._records = records
        self._timeline = timeline
        self._spoken = {clip.sentence.index: clip for clip in spoken}
        self._clips = clips
        self._fmt = fmt
        self._seed = seed
        self._model = model
        self._video_folder = video_folder
        self._talking_folder = talking_folder
        self._shots: dict[int, _ShotFrames] = {}

    def __call__(self, span: ShotSpan, index: int) -> ShotPicture | None:
        for done in [key for key, shot in self._shots.items() if shot.end <= index]:
            del self._shots[done]
        frames = self._shots.get(span.index)
        if frames is None:
            frames = self._start(span)
            self._shots[span.index] = frames
        return frames.at(index - span.first)

    def _start(self, span: ShotSpan) -> _ShotFrames:
        shot = span.shot
        if shot.speaker is not None and shot.image is not None and self._talking_folder:
            talking = self._talk(span, shot.image, shot.speaker, self._talking_folder)
            if talking is not None:
                return talking
        if shot.speaker is not None and shot.image is not None and self._model is not None:
            synced = self._lipsync(span, shot.image, shot.speaker, self._model)
            if synced is not None:
                return synced
        if shot.image is not None and self._video_folder is not None:
            return self._animate(span, self._video_folder)
        return _ShotFrames(end=span.end, make=None)

    # --- lip-sync ---------------------------------------------------------------------------

    def _lipsync(
        self, span: ShotSpan, image: Path, speaker: str, model: Wav2LipModel | MuseTalkModel
    ) -> _ShotFrames | None:
        fps = self._fmt.fps
        count = span.end - span.first
        rgb = prepare_rgb(load_rgb(image, image.name), self._fmt)
        audio, rate = self._speaker_audio(span)
        options = self._options.lipsync
        notes: list[str] = []

        def note(message: str) -> None:  # after the face check: a warning (e.g. out of memory)
            if notes:
                self._log.warn(f"Lip-sync: {message}")
            else:
                notes.append(message)

        first = sync_still(rgb, audio, rate, fps, model, count, options, on_note=note)
        record: dict[str, Any] = {
            "shot": span.index,
            "kind": "lipsync",
            "model": model_name(model),
            "speaker": speaker,
            "image": image.name,
            "start_s": round(span.first / fps, 3),
            "end_s": round(span.end / fps, 3),
            "frames": count,
        }
        if notes:
            self._log.warn(
                f"Lip-sync: no face was found in {speaker}'s image {image.name}; "
                "their shot is shown without lip-sync."
            )
            self._records.shots.append({**record, "face": False, "note": notes[0]})
            return None
        self._records.shots.append({**record, "face": True})
        notes.append("face found")
        pending = [first]

        def make() -> Iterator[ShotPicture]:
            frames = (
                pending.pop()
                if pending
                else sync_still(rgb, audio, rate, fps, model, count, options, on_note=note)
            )
            return (ShotPicture(rgb_to_yuv(frame), moves=True) for frame in frames)

        return _ShotFrames(span.end, make, "lipsync", self._records.seconds)

    def _speaker_audio(self, span: ShotSpan) -> tuple[AudioArray, int]:
        """The speaker's own lines during the span, mono, placed from the span's first frame."""
        fps = self._fmt.fps
        return speaker_audio(
            self._timeline.speech,
            self._spoken,
            self._clips,
            span.shot.speaker,
            span.first / fps,
            (span.end - span.first) / fps,
            MEL_SAMPLE_RATE_HZ,
        )

    # --- InfiniteTalk -----------------------------------------------------------------------

    def _talk(self, span: ShotSpan, image: Path, speaker: str, folder: Path) -> _ShotFrames | None:
        """A moving, speaking character from the image and the speaker's lines in the shot;
        None (and InfiniteTalk off for the render, with a warning) when it cannot run."""
        from pipeline.talking import infinitetalk

        fps = self._fmt.fps
        duration_s = (span.end - span.first) / fps
        seed = shot_seed(self._seed, span.index)
        audio, rate = self._speaker_audio(span)
        options = self._options

        def talk() -> image_to_video.AnimatedShot:
            return infinitetalk.talk_shot(
                folder,
                image,
                audio,
                rate,
                duration_s,
                self._fmt,
                seed,
                options.talking,
                options.device,
            )

        try:
            started = time.perf_counter()
            first = talk()
            self._records.seconds["lipsync"] += time.perf_counter() - started
        except BackendUnavailableError as error:
            self._log.fall_back(
                "talking",
                "lipsync",
                f"Talking characters: InfiniteTalk cannot run here ({str(error).rstrip('.')}), "
                "so speaking characters are not animated by it.",
            )
            self._talking_folder = None
            return None
        self._records.shots.append(
            {
                "shot": span.index,
                "kind": "talking",
                "model": INFINITETALK_ADAPTER.name,
                "speaker": speaker,
                "image": image.name,
                "start_s": round(span.first / fps, 3),
                "end_s": round(span.end / fps, 3),
                "seed": seed,
                **first.plan.record(),
            }
        )
        pending = [first]

        def make() -> Iterator[ShotPicture]:
            shot = pending.pop() if pending else talk()
            try:
                yield from (ShotPicture(_yuv(frame), moves=True) for frame in shot.frames)
            except BackendUnavailableError as error:  # out of GPU memory twice
                self._log.warn(
                    f"Talking characters: InfiniteTalk failed on {speaker}'s shot "
                    f"({str(error).rstrip('.')}), so it is drawn without it."
                )
                self._talking_folder = None

        return _ShotFrames(span.end, make, "lipsync", self._records.seconds)

    # --- image-to-video ---------------------------------------------------------------------

    def _animate(self, span: ShotSpan, folder: Path) -> _ShotFrames:
        shot = span.shot
        assert shot.image is not None
        fps = self._fmt.fps
        duration_s = (span.end - span.first) / fps
        seed = shot_seed(self._seed, span.index)
        options = self._options

        def animate() -> image_to_video.AnimatedShot:
            assert shot.image is not None
            if wan_video.is_wan_folder(folder):
                return wan_video.animate_shot(
                    folder,
                    shot.image,
                    duration_s,
                    self._fmt,
                    seed,
                    wan_video.settings_from(options.video),
                    options.device,
                )
            return image_to_video.animate_shot(
                folder,
                shot.image,
                duration_s,
                self._fmt,
                seed,
                options.video,
                options.device,
            )

        try:
            started = time.perf_counter()
            first = animate()
            self._records.seconds["animate"] += time.perf_counter() - started
        except BackendUnavailableError as error:
            self._log.fall_back(
                "video",
                KEN_BURNS,
                f"Image-to-video: the model cannot run here ({error}); images get Ken Burns "
                "moves instead.",
            )
            self._video_folder = None
            return _ShotFrames(end=span.end, make=None)
        self._records.shots.append(
            {
                "shot": span.index,
                "kind": "image_to_video",
                "image": shot.image.name,
                "start_s": round(span.first / fps, 3),
                "end_s": round(span.end / fps, 3),
                "seed": seed,
                **first.plan.record(),
            }
        )
        pending = [first]

        def make() -> Iterator[ShotPicture]:
            animated = pending.pop() if pending else animate()
            return (ShotPicture(_yuv(frame), moves=False) for frame in animated.frames)

        return _ShotFrames(span.end, make, "animate", self._records.seconds)


def _yuv(frame: Frame) -> YuvImage:
    return rgb_to_yuv(np.ascontiguousarray(frame))
