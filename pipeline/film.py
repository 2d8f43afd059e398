"""Render a whole film: script, images, voice, length and music in; MP4, subtitles, report out.

render_film runs the stages in order (images -> scenes -> fit -> tts -> layout -> subtitles
-> mix + visuals + encode; the music is made alongside the first stages), reports one
monotonic progress fraction for the whole render, and writes film.mp4, film.srt, film.vtt
and render.json into the output folder atomically: everything is built in a hidden scratch
folder beside them and moved in place at the end, so a failed or cancelled render leaves no
partial output.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline import subtitles, timing
from pipeline.absorb import fit_layout
from pipeline.backends import StageBackends, cache_inputs
from pipeline.cache.store import CacheStore
from pipeline.compose import ComposeReport, compose_film
from pipeline.errors import InputError
from pipeline.film_music import MusicBed
from pipeline.film_request import FilmRequest, check_request
from pipeline.languages import get_language
from pipeline.media.encode import AssBurnIn, EncodeSettings
from pipeline.media.heap import limit_arenas, release_free_memory
from pipeline.media.images import MAX_IMAGE_PIXELS, load_rgb
from pipeline.media.probe import MediaFacts, probe
from pipeline.media.yuv import YuvImage
from pipeline.neural.face_detector import release_face_detector
from pipeline.picture import shorts_captions
from pipeline.picture.badge import AI_LABEL_SECONDS
from pipeline.picture.focus import Focus, focus_of
from pipeline.picture.picture_inputs import PictureInputs
from pipeline.picture.prepared_images import PreparedImages
from pipeline.picture.visuals import film_pictures, prepare_image
from pipeline.progress import OverallProgress, StageClock
from pipeline.report import report_record, script_warnings
from pipeline.script import scenes
from pipeline.segmented import SoundPlan, compose_segments, whole_film_reason
from pipeline.segments import scene_first_frames
from pipeline.sound.clips import ClipStore
from pipeline.sound.mix import MixReport
from pipeline.stage_cache import (
    CacheTally,
    SceneSpeechCache,
    sound_keys,
)
from pipeline.storyboard import scene_records
from pipeline.types import (
    Cue,
    Frame,
    ProgressCallback,
    Scene,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)

VIDEO_NAME = "film.mp4"
SRT_NAME = "film.srt"
VTT_NAME = "film.vtt"
REPORT_NAME = "render.json"
OUTPUT_NAMES = (VIDEO_NAME, SRT_NAME, VTT_NAME, REPORT_NAME)

STAGE_WEIGHTS: dict[str, float] = {
    "images": 1.0,
    "script": 1.0,
    "tts": 4.0,
    "layout": 0.5,
    "subtitles": 0.5,
    "music": 2.0,
    "encode": 92.0,
    "report": 1.0,
}
"""Rough share of a render's time in each reported stage, for one overall progress fraction
(compose reports the music stem as "music", then sound and pictures together as "encode")."""
STAGES = (
    "images", "script", "tts", "layout", "subtitles",
    "music", "mix", "audio", "encode", "mux", "report",
)  # fmt: skip
"""The stages timed in render.json. Music is produced alongside images, script and tts (when it
must be made) or just before the encoders start; mix and audio (AAC) run in a thread
alongside encode (the pictures)."""
IMAGE_THREADS = 2
"""Images decoded and prepared at a time before the encoders start (Pillow and OpenCV release
the interpreter while they work)."""
LIMITER_WARNING_DB = 8.0
"""Warn when the peak limiter had to turn some sound down by more than this."""


@dataclass(frozen=True)
class FilmResult:
    """The files a render wrote and what it measured."""

    video: Path
    srt: Path
    vtt: Path
    report: Path
    duration_s: float
    stage_seconds: dict[str, float]
    warnings: tuple[str, ...]
    mix: MixReport
    facts: MediaFacts
    timeline: Timeline
    cues: tuple[Cue, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    backends: dict[str, Any] = field(default_factory=dict)
    """The backends chosen and used, and each neural shot's seeds (as in render.json)."""


def render_film(
    request: FilmRequest,
    out_dir: Path,
    progress: ProgressCallback = no_progress,
    cache: CacheStore | None = None,
) -> FilmResult:
    """Render the film for request into out_dir (film.mp4, film.srt, film.vtt, render.json).

    With a cache, each stage output (a scene's speech, the music bed, the sound, each scene's
    encoded video segment) is read from it when present and stored in it when made, so a
    render after an edit redoes only what the edit changed (see pipeline.segmented).

    progress(stage, fraction) gets the current stage's name and the share (0..1) of the whole
    render done so far, which only grows. It may raise (e.g. RenderCancelled) to stop the
    render: the exception propagates and no partial output is left. Bad input raises
    InputError (a ScriptLengthError when the script cannot fill the length).
    """
    fmt = check_request(request)
    limit_arenas()  # a flatter C heap over a long film (pipeline.media.heap)
    overall = OverallProgress(progress, STAGE_WEIGHTS)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".render-", dir=out_dir))
    try:
        result = _render(request, fmt, out_dir, scratch, overall, cache)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def _render(
    request: FilmRequest,
    fmt: VideoFormat,
    out_dir: Path,
    scratch: Path,
    progress: OverallProgress,
    cache: CacheStore | None,
) -> FilmResult:
    clock = StageClock()
    tally = CacheTally()
    warnings: list[str] = []
    stages = StageBackends(request.backends)
    started = time.perf_counter()

    # The music needs only the film's length (the timeline's, exactly): it is made alongside
    # the images and the narration, and is ready before the encoders start.
    music = MusicBed(request, _film_length_s(request, fmt), stages, cache, tally, scratch, progress)
    early = music.start_early()
    clips = ClipStore(scratch / "speech.f32")
    try:
        with clock.stage("images"):
            focus, prepared = _look_at_images(request.images, fmt, progress)

        with clock.stage("script"):
            language = get_language(request.language).code
            script = scenes.parse_script(request.script, list(request.images), language)
            plan = timing.check_fit(request.script, request.duration_s, language, request.voice)
            if request.previous is not None:
                plan = timing.keep_pace(
                    plan,
                    request.script,
                    language,
                    request.voice,
                    request.previous.words_per_minute,
                )
            progress("script", 1.0)
        warnings.extend(script_warnings(request, script.characters, script.sentences))

        speech_cache = None
        if cache is not None:
            backend = cache_inputs(request.backends, "tts")
            speech_cache = SceneSpeechCache(cache, tally, language, backend, stages.log, scratch)
        with clock.stage("tts"):
            spoken, speech_keys, speech_reused = _speak(
                script.scenes,
                request.voice,
                language,
                plan.words_per_minute,
                clips,
                progress,
                stages,
                speech_cache,
            )

        with clock.stage("layout"):
            fit = fit_layout(script, spoken, request.duration_s, fmt.fps, request.previous)
            timeline = fit.timeline
            progress("layout", 1.0)

        with clock.stage("subtitles"):
            cues = subtitles.build_cues(timeline.speech, fmt.fps, timeline.duration_s)
            problems = subtitles.check_cues(cues, timeline.speech, fmt.fps, timeline.duration_s)
            warnings.extend(f"Subtitles: {problem}" for problem in problems)
            (scratch / SRT_NAME).write_text(subtitles.to_srt(cues), encoding="utf-8")
            (scratch / VTT_NAME).write_text(subtitles.to_vtt(cues), encoding="utf-8")
            captions = _shorts_captions(request, timeline, fmt, scratch)
            progress("subtitles", 1.0)

        settings = EncodeSettings(preset=request.preset, crf=request.crf)
        firsts = scene_first_frames(timeline.shots, len(script.scenes), fmt.fps)
        if timeline.duration_s != music.duration_s:
            raise RuntimeError("The film's length differs from the one its music was made for.")
        pictures = stages.shot_pictures(timeline, spoken, fmt, request.seed, clips)
        inputs = PictureInputs(
            seed=request.seed,
            cues=cues if request.burned_captions == "subtitles" else (),
            pictures=pictures,
            focus=focus,
            badge_s=AI_LABEL_SECONDS if request.ai_label else 0.0,
            title=request.title,
            prepared=prepared,
        )
        whole_reason = whole_film_reason(cache, pictures, captions)
        video_reused = [False] * len(script.scenes)
        if whole_reason is None:
            assert cache is not None
            sound_key, report_key = sound_keys(
                speech_keys, timeline.speech, music.key, timeline.duration_s, settings
            )
            segmented = compose_segments(
                timeline,
                spoken,
                SoundPlan(sound_key, report_key, lambda: music.ready_stem(early, progress)),
                fmt,
                scratch / VIDEO_NAME,
                firsts,
                cache,
                tally,
                inputs=inputs,
                settings=settings,
                progress=progress,
                work_dir=scratch,
                clips=clips,
            )
            video_reused = list(segmented.reused)
            report = ComposeReport(segmented.mix, segmented.frames, segmented.seconds)
        else:
            report = compose_film(
                timeline,
                spoken,
                music.ready_stem(early, progress),
                fmt,
                scratch / VIDEO_NAME,
                inputs=inputs,
                settings=settings,
                progress=progress,
                work_dir=scratch,
                clips=clips,
                captions=captions,
            )
    finally:
        clips.close()
        if early is not None:
            early.stop()
    clock.seconds.update(report.seconds)
    # Music is synthesised (or decoded) alongside other stages: its own time is its stage's.
    clock.seconds["music"] = music.seconds
    if report.mix.max_reduction_db > LIMITER_WARNING_DB:
        warnings.append(
            f"The peak limiter turned loud moments down by up to {report.mix.max_reduction_db:.0f} dB "
            "to keep true peaks under -1 dBTP; a very dynamic music track can sound squashed."
        )

    warnings.extend(w for w in stages.warnings if w not in warnings)
    with clock.stage("report"):
        facts = probe(scratch / VIDEO_NAME)
        record = report_record(
            request,
            fmt,
            plan.words_per_minute,
            timeline.duration_s,
            len(cues),
            report.mix,
            facts,
            clock.seconds,
            time.perf_counter() - started,
            warnings,
        )
        record["backends"] = stages.record()
        record["scenes"] = scene_records(
            script, request.voice, firsts, timeline, fmt.fps, speech_reused, video_reused
        )
        record["cache"] = tally.record()
        record["partial"] = _partial(video_reused, whole_reason or fit.reason)
        (scratch / REPORT_NAME).write_text(
            json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        progress("report", 1.0)

    for name in OUTPUT_NAMES:
        os.replace(scratch / name, out_dir / name)
    return FilmResult(
        video=out_dir / VIDEO_NAME,
        srt=out_dir / SRT_NAME,
        vtt=out_dir / VTT_NAME,
        report=out_dir / REPORT_NAME,
        duration_s=timeline.duration_s,
        stage_seconds=dict(clock.seconds),
        warnings=tuple(warnings),
        mix=report.mix,
        facts=facts,
        timeline=timeline,
        cues=tuple(cues),
        settings=record["settings"],
        backends=record["backends"],
    )


def _partial(video_reused: Sequence[bool], reason: str | None) -> dict[str, Any]:
    """render.json's "partial": whether every scene's video was made, and why when it was."""
    full = not any(video_reused)
    if full and reason is None:
        reason = "No scene's video was in the cache (a first render, or every scene changed)."
    return {"full": full, "reason": reason}


def _film_length_s(request: FilmRequest, fmt: VideoFormat) -> float:
    """The length of the film rendered for request: whole frames, as its timeline's."""
    return round(request.duration_s * fmt.fps) / fmt.fps


def _shorts_captions(
    request: FilmRequest, timeline: Timeline, fmt: VideoFormat, scratch: Path
) -> AssBurnIn | None:
    """For captions="shorts": the karaoke ASS file (and its fonts) the encoder burns in."""
    if request.burned_captions != "shorts":
        return None
    folder = scratch / "captions"
    ass = shorts_captions.write_captions(timeline.speech, fmt.width, fmt.height, folder)
    return AssBurnIn(folder, ass.name, shorts_captions.FONTS_FOLDER)


def _speak(
    scenes_: Sequence[Scene],
    voice: str,
    language: str,
    words_per_minute: int,
    clips: ClipStore,
    progress: OverallProgress,
    stages: StageBackends,
    cache: SceneSpeechCache | None = None,
) -> tuple[list[SpokenSentence], list[str], list[bool]]:
    """Synthesise scene by scene, moving each clip's samples to disk as soon as it is made.

    Only one scene's speech is in memory at a time; the returned clips carry stand-in audio
    of the right length (see pipeline.sound.clips) and the samples stay in `clips`. With a
    cache, a scene whose narration is stored is read back instead of spoken. Returns the
    clips, each scene's speech key ("" without a cache) and whether it was reused.
    """
    total = sum(len(scene.sentences) for scene in scenes_)
    spoken: list[SpokenSentence] = []
    keys: list[str] = []
    reused: list[bool] = []
    for scene in scenes_:
        done = len(spoken)
        count = len(scene.sentences)

        def report(_stage: str, fraction: float, done: int = done, count: int = count) -> None:
            progress("tts", (done + fraction * count) / max(1, total))

        scene_voice = scene.voice or voice
        key = "" if cache is None else cache.key(scene.sentences, scene_voice, words_per_minute)
        made = None if cache is None else cache.load(key, scene.sentences)
        reused.append(made is not None)
        if made is None:
            made = stages.speak(scene.sentences, scene_voice, language, words_per_minute, report)
            if cache is not None:
                cache.store(key, made)
        keys.append(key)
        spoken.extend(clips.add(clip) for clip in made)
    progress("tts", 1.0)
    return spoken, keys, reused


def _look_at_images(
    images: Sequence[Path], fmt: VideoFormat, progress: OverallProgress
) -> tuple[dict[Path, Focus], PreparedImages]:
    """Each image decoded once (IMAGE_THREADS at a time): its face found, and its picture
    prepared and kept on disk, so no picture is decoded again while the encoders run (less
    memory and CPU then). InputError names the first image that cannot be used."""
    focus: dict[Path, Focus] = {}
    prepared = film_pictures(fmt)

    def look(image: Path) -> tuple[Focus | None, YuvImage]:
        rgb = _decoded_image(image)
        return focus_of(rgb), prepare_image(rgb, fmt)

    with ThreadPoolExecutor(IMAGE_THREADS, thread_name_prefix="film-image") as pool:
        for number, (image, (found, picture)) in enumerate(
            zip(images, pool.map(look, images), strict=True)
        ):
            if found is not None:
                focus[image] = found
            prepared.add(image, picture)
            progress("images", (number + 1) / len(images))
    release_face_detector()  # loaded again if talking stills need it, before the encoders
    release_free_memory()  # the decoded pictures and the detector
    progress("images", 1.0)
    return focus, prepared


def _decoded_image(path: Path) -> Frame:
    """Decode an image (once: the check that it is usable and the picture its focus is
    found in); InputError naming it when it is not usable."""
    try:
        return load_rgb(path, path.name)
    except Image.DecompressionBombError as error:
        # Pillow refuses images far over its own limit before pipeline.media.images can measure them.
        raise InputError(
            f"Image {path.name} has more pixels than the limit of {MAX_IMAGE_PIXELS:,}; scale it down."
        ) from error
