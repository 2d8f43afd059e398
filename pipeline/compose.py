"""Compose the film: its sound and its pictures made side by side, then put in one MP4.

This is the last pipeline stage. The music is first written to a stem file, so its
synthesiser or decoder is gone before the encoders start. Then a worker thread mixes
narration (at the Timeline's speech positions) and the music in chunks (pipeline.sound.mix)
while the calling thread draws the frames (pipeline.picture.visuals) and streams them to x264
(pipeline.media.encode); the mix fills the CPU time x264 leaves idle. The mix is encoded to
AAC after x264 (or as it is written: see SoundJob), and the two tracks are muxed without
re-encoding, moov atom first. Nothing holds the whole film.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipeline.media.blas_threads import one_blas_thread
from pipeline.media.encode import STAGE as ENCODE_STAGE
from pipeline.media.encode import (
    AssBurnIn,
    EncodeSettings,
    aac_stream,
    encode_audio,
    encode_frames,
    lower_priority,
    mux,
)
from pipeline.media.heap import release_free_memory
from pipeline.picture.opencv_threads import one_opencv_thread
from pipeline.picture.picture_inputs import PictureInputs
from pipeline.picture.visuals import FilmFrames
from pipeline.sound.clips import ClipStore
from pipeline.sound.mix import STAGE as MIX_STAGE
from pipeline.sound.mix import MixReport, SpeechTrack, mix_film_audio
from pipeline.sound.stems import write_music_stem
from pipeline.types import (
    FILM_SAMPLE_RATE_HZ,
    AudioArray,
    ProgressCallback,
    SpokenSentence,
    Timeline,
    VideoFormat,
    no_progress,
)
from pipeline.worker_thread import Stopped, WorkerThread

AUDIO_STAGE = "audio"
"""Seconds spent encoding the mix to AAC (in the sound thread)."""
MUX_STAGE = "mux"
STAGES = (MIX_STAGE, AUDIO_STAGE, ENCODE_STAGE, MUX_STAGE)
"""Stage names in ComposeReport.seconds; mix and audio run alongside encode."""
REPORTED_STAGE = ENCODE_STAGE
"""The one stage name compose reports progress under (sound and pictures together)."""
SOUND_SHARE = 0.08
"""Share of compose progress given to the sound (it is small next to x264)."""
MUSIC_STEM_NAME = "music-stem.f32"
MusicInput = Iterable[AudioArray] | Path | None
"""A film's music: stereo chunks at 48 kHz, a stem file already written (write_music_stem),
or None for none."""
SOUND_NICENESS = 5
"""How much lower the sound thread (and its AAC encoder) runs than the pictures."""


@dataclass(frozen=True)
class ComposeReport:
    """How composing went: the mix's levels, the frame count and seconds per stage."""

    mix: MixReport
    frames: int
    seconds: dict[str, float]


class SoundJob(WorkerThread):
    """Mixes the film's sound alongside the pictures and encodes it to AAC, in its own
    thread; stoppable. The music stem it is given (write_music_stem) is removed once mixed.

    The AAC encoder is an ffmpeg process of its own (about 30 MB). In a full render it waits
    for x264 to finish (pictures_done()), which keeps the two encoders from adding up in the
    render's peak memory, for about half a second of one core per film minute at the end of
    the render. When x264 is already done as the mix's last pass starts, or with stream_aac
    (a partial render, whose x264 redraws a few scenes), that pass is written straight into
    the AAC encoder instead, which then runs alongside the mix.
    """

    def __init__(
        self,
        speech: SpeechTrack,
        music_stem: Path | None,
        duration_s: float,
        folder: Path,
        settings: EncodeSettings | None,
        stream_aac: bool = False,
    ) -> None:
        super().__init__("film-sound")
        self.stream_aac = stream_aac
        self.speech = speech
        self.music_stem = music_stem
        self.duration_s = duration_s
        self.folder = folder
        self.settings = settings
        self.output = folder / "sound.m4a"
        self.report: MixReport | None = None
        self.seconds: dict[str, float] = {}
        self._pictures_done = threading.Event()

    def stop(self) -> None:
        """Ask the job to stop at its next chunk."""
        super().stop()
        self._pictures_done.set()

    def pictures_done(self) -> None:
        """Tell the job that the pictures are encoded: the AAC encoder may start."""
        self._pictures_done.set()

    def combined(self, video_fraction: float) -> float:
        """The share of composing done, this sound and the pictures' fraction together (under
        1 until the end); raises the sound's error, so it stops the pictures too."""
        if self.error is not None:
            raise self.error
        return min(SOUND_SHARE * self.fraction + (1 - SOUND_SHARE) * video_fraction, 0.999)

    @classmethod
    def with_music(
        cls,
        speech: SpeechTrack,
        music: MusicInput,
        duration_s: float,
        folder: Path,
        settings: EncodeSettings | None,
        progress: ProgressCallback,
        stream_aac: bool = False,
    ) -> SoundJob:
        """The job for this speech and music: a stem already written, or chunks written to a
        stem under folder first (progress("music", f) per chunk; it may raise to cancel).

        Written before the encoders start, the music's synthesiser or decoder (a soundfont's
        samples: about 55 MB) is gone before x264 and the pictures reach their peak memory.
        """
        if not isinstance(music, Path):
            music = write_music_stem(music, duration_s, folder / MUSIC_STEM_NAME, progress)
        return cls(speech, music, duration_s, folder, settings, stream_aac)

    def work(self) -> None:
        # x264 and the frame drawing are the critical path: the sound takes the CPU they leave.
        lower_priority(threading.get_native_id(), SOUND_NICENESS)
        raw = self.folder / "mix.f32"
        streamed = False

        def sink() -> AbstractContextManager[IO[bytes]]:
            nonlocal streamed
            streamed = self.stream_aac or self._pictures_done.is_set()
            return aac_stream(self.output, self.settings) if streamed else raw.open("wb")

        started = time.perf_counter()
        self.report = mix_film_audio(
            self.speech,
            self.music_stem,
            self.duration_s,
            raw,
            self.report_progress,
            FILM_SAMPLE_RATE_HZ,
            sink,
        )
        if self.music_stem is not None:
            self.music_stem.unlink(missing_ok=True)
        self.seconds[MIX_STAGE] = time.perf_counter() - started
        release_free_memory()  # the mix's buffers
        if streamed:
            self.seconds[AUDIO_STAGE] = 0.0  # encoded as the mix's last pass was written
        else:
            self._pictures_done.wait()
            if self.stop_requested:
                raise Stopped
            started = time.perf_counter()
            encode_audio(raw, self.output, self.settings)
            raw.unlink(missing_ok=True)
            self.seconds[AUDIO_STAGE] = time.perf_counter() - started
        self.fraction = 1.0


def compose_film(
    timeline: Timeline,
    spoken: Sequence[SpokenSentence],
    music: MusicInput,
    fmt: VideoFormat,
    out_path: Path,
    *,
    inputs: PictureInputs = PictureInputs(),
    settings: EncodeSettings | None = None,
    progress: ProgressCallback = no_progress,
    work_dir: Path | None = None,
    clips: ClipStore | None = None,
    captions: AssBurnIn | None = None,
) -> ComposeReport:
    """Mix and encode the film described by timeline into out_path (an MP4).

    spoken holds the narration of timeline.speech; music is a MusicInput (a stem given is
    removed once mixed); inputs are what the frames are drawn from (seed, burned-in cues, the
    pictures hook, faces, badge, title, pictures prepared ahead: picture_inputs).
    progress("music", f) covers writing the music stem, then progress("encode", f) covers
    sound and pictures together; both are only called from this thread and may raise to
    cancel (nothing is left at out_path then). An error in the sound (e.g. an unreadable
    music file) stops the pictures too and is raised here. clips holds the samples of spoken
    clips whose audio is a stand-in (see pipeline.sound.clips). captions, an ASS file
    (pipeline.picture.shorts_captions), is drawn by libass as the frames are encoded.
    """
    with tempfile.TemporaryDirectory(prefix="compose-", dir=work_dir) as scratch:
        folder = Path(scratch)
        speech = SpeechTrack(spoken, timeline.speech, FILM_SAMPLE_RATE_HZ, clips)
        sound = SoundJob.with_music(
            speech,
            music,
            timeline.duration_s,
            folder,
            settings,
            progress,
        )
        frames = FilmFrames.from_inputs(timeline, fmt, inputs)
        frames.prepare_pictures([(0, frames.total_frames)])
        video_path = folder / "pictures.mp4"
        seconds: dict[str, float] = {}

        def report(video_fraction: float) -> None:
            progress(REPORTED_STAGE, sound.combined(video_fraction))

        with one_blas_thread():
            sound.start()
            try:
                started = time.perf_counter()
                with one_opencv_thread():
                    encode_frames(
                        frames.render,
                        frames.total_frames,
                        fmt,
                        video_path,
                        settings=settings,
                        progress=lambda _stage, fraction: report(fraction),
                        faststart=False,
                        burn_in=captions,
                    )
                seconds[ENCODE_STAGE] = time.perf_counter() - started
                sound.pictures_done()
                sound.wait(lambda: report(1.0))
            except BaseException:
                sound.stop()
                sound.join()
                raise
        assert sound.report is not None
        seconds.update(sound.seconds)
        started = time.perf_counter()
        try:
            mux(video_path, sound.output, out_path)
        except BaseException:
            out_path.unlink(missing_ok=True)
            raise
        seconds[MUX_STAGE] = time.perf_counter() - started
        progress(REPORTED_STAGE, 1.0)
    return ComposeReport(mix=sound.report, frames=frames.total_frames, seconds=seconds)
