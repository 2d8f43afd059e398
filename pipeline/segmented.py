"""Compose the film from cached scene segments: draw and encode only what changed.

The picture is cut into one segment per scene (pipeline.segments); a segment whose key is in
the cache is reused as it is, the others are drawn and encoded (each its own x264 run, a
closed GOP from its first frame, the same settings for all) and stored. The sound is mixed
whole in a thread alongside (or its AAC reused when nothing it depends on changed). The
segments are then joined without re-encoding and muxed with the sound, moov first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache.store import CacheStore
from pipeline.compose import (
    AUDIO_STAGE,
    MUX_STAGE,
    REPORTED_STAGE,
    MusicInput,
    SoundJob,
)
from pipeline.media.blas_threads import one_blas_thread
from pipeline.media.concat import join_and_mux
from pipeline.media.encode import STAGE as ENCODE_STAGE
from pipeline.media.encode import AssBurnIn, EncodeSettings, encode_frames
from pipeline.media.yuv import FrameBuffer
from pipeline.picture.opencv_threads import one_opencv_thread
from pipeline.picture.picture_inputs import PictureInputs
from pipeline.picture.shot_pictures import ShotPictures, segment_safe
from pipeline.picture.visuals import FilmFrames
from pipeline.segments import Segment, plan_segments
from pipeline.sound.clips import ClipStore
from pipeline.sound.mix import STAGE as MIX_STAGE
from pipeline.sound.mix import MixReport, SpeechTrack
from pipeline.stage_cache import (
    SOUND_STAGE,
    CacheTally,
    load_mix_report,
    save_mix_report,
)
from pipeline.types import (
    FILM_SAMPLE_RATE_HZ,
    ProgressCallback,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)

SEGMENTS_FOLDER = "segments"


@dataclass(frozen=True)
class SegmentedReport:
    """How composing went: the mix, the segments (and which were reused), seconds per stage."""

    mix: MixReport
    frames: int
    segments: tuple[Segment, ...]
    reused: tuple[bool, ...]
    sound_reused: bool
    seconds: dict[str, float]


@dataclass(frozen=True)
class SoundPlan:
    """The sound's cache keys and how to get its music when it must be mixed."""

    key: str
    report_key: str
    music: Callable[[], MusicInput]


def compose_segments(
    timeline: Timeline,
    spoken: Sequence[SpokenSentence],
    sound: SoundPlan,
    fmt: VideoFormat,
    out_path: Path,
    scene_firsts: Sequence[int],
    cache: CacheStore,
    tally: CacheTally,
    *,
    inputs: PictureInputs,
    settings: EncodeSettings,
    progress: ProgressCallback = no_progress,
    work_dir: Path,
    clips: ClipStore | None = None,
) -> SegmentedReport:
    """Write the film to out_path from cached and newly encoded scene segments (see the module
    docstring); progress("music", f) covers writing the music stem (when the sound is mixed) and
    progress("encode", f) the work actually done; either may raise to cancel."""
    if not segment_safe(inputs.pictures):
        raise ValueError("These shot pictures cannot be drawn one segment at a time.")
    frames = FilmFrames.from_inputs(timeline, fmt, inputs)
    segments = plan_segments(frames, scene_firsts, fmt, settings, inputs.seed)
    folder = work_dir / SEGMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    keys = [segment.key for segment in segments] + [sound.key, sound.report_key]
    with one_blas_thread(), cache.pinned(keys):
        found = [cache.get(segment.key) for segment in segments]
        mix, audio = _cached_sound(cache, sound)
        job = None
        if mix is None:
            speech = SpeechTrack(spoken, timeline.speech, FILM_SAMPLE_RATE_HZ, clips)
            job = SoundJob.with_music(
                speech,
                sound.music(),
                timeline.duration_s,
                folder,
                settings,
                progress,
                stream_aac=any(path is not None for path in found),  # x264 redraws a part
            )
        tally.count(SOUND_STAGE, job is None)
        missing = [segment for segment, path in zip(segments, found, strict=True) if path is None]
        frames.prepare_pictures([(s.first, s.first + s.frames) for s in missing])
        to_draw = max(1, sum(segment.frames for segment in missing))

        def report(video_fraction: float) -> None:
            done = min(video_fraction, 0.999) if job is None else job.combined(video_fraction)
            progress(REPORTED_STAGE, done)

        if job is not None:
            job.start()
        try:
            started = time.perf_counter()
            with one_opencv_thread():
                paths = _encode_missing(
                    frames, segments, found, fmt, settings, folder, cache, report
                )
            seconds[ENCODE_STAGE] = time.perf_counter() - started
            if job is not None:
                job.pictures_done()
                job.wait(lambda: report(sum(s.frames for s in missing) / to_draw))
        except BaseException:
            if job is not None:
                job.stop()
                job.join()
            raise
        if job is not None:
            assert job.report is not None
            mix = job.report
            seconds.update(job.seconds)
            audio = cache.put(sound.key, job.output)
            saved = save_mix_report(mix, folder)
            cache.put(sound.report_key, saved)
            saved.unlink(missing_ok=True)
        else:
            seconds[MIX_STAGE] = 0.0
            seconds[AUDIO_STAGE] = 0.0
        assert mix is not None
        assert audio is not None
        for _segment, path in zip(segments, found, strict=True):
            tally.count("video", path is not None)
        started = time.perf_counter()
        try:
            join_and_mux(paths, audio, out_path)
        except BaseException:
            out_path.unlink(missing_ok=True)
            raise
        seconds[MUX_STAGE] = time.perf_counter() - started
    progress(REPORTED_STAGE, 1.0)
    return SegmentedReport(
        mix=mix,
        frames=frames.total_frames,
        segments=tuple(segments),
        reused=tuple(path is not None for path in found),
        sound_reused=job is None,
        seconds=seconds,
    )


def _cached_sound(cache: CacheStore, sound: SoundPlan) -> tuple[MixReport | None, Path | None]:
    """The stored AAC track and its mix report, when both are present and intact."""
    audio = cache.get(sound.key)
    stored = cache.get(sound.report_key) if audio is not None else None
    mix = load_mix_report(stored) if stored is not None else None
    return (mix, audio) if mix is not None else (None, None)


def _encode_missing(
    frames: FilmFrames,
    segments: Sequence[Segment],
    found: Sequence[Path | None],
    fmt: VideoFormat,
    settings: EncodeSettings,
    folder: Path,
    cache: CacheStore,
    report: Callable[[float], None],
) -> list[Path]:
    """Each segment's file: the stored one, or one drawn, encoded and stored now."""
    total = max(1, sum(s.frames for s, path in zip(segments, found, strict=True) if path is None))
    done = 0
    paths: list[Path] = []
    for segment, path in zip(segments, found, strict=True):
        if path is not None:
            paths.append(path)
            continue
        made = folder / f"segment-{segment.scene:05d}.mp4"

        def draw(index: int, out: FrameBuffer, first: int = segment.first) -> None:
            frames.render(first + index, out)

        def step(
            _stage: str, fraction: float, done: int = done, count: int = segment.frames
        ) -> None:
            report((done + fraction * count) / total)

        encode_frames(
            draw, segment.frames, fmt, made, settings=settings, progress=step, faststart=False
        )
        paths.append(cache.put(segment.key, made))
        made.unlink(missing_ok=True)
        done += segment.frames
    return paths


def whole_film_reason(
    cache: CacheStore | None, pictures: ShotPictures | None, captions: AssBurnIn | None
) -> str | None:
    """Why the film's video is encoded whole rather than from scene segments, or None."""
    if cache is None:
        return "No stage cache was given, so the whole film was rendered."
    if not segment_safe(pictures):
        return (
            "Neural pictures (lip-sync or animation) are drawn with the whole film, "
            "so its video was encoded whole."
        )
    if captions is not None:
        return (
            "Shorts captions are burned in across the whole film, so its video was encoded whole."
        )
    return None
