"""The film's music bed for one render: made by its backend, or read from the stage cache
(and kept there when made), written once to the film's stem file
(pipeline.sound.stems.write_music_stem) and timed as the "music" stage.

Music that must be made is made early, in a thread of its own, while the render reads the
images and speaks the script: its stem is ready, and the synthesiser or model gone, before
the encoders start. A neural backend's progress is reported from the render's thread while
it waits for the music.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.backends import StageBackends, cache_inputs
from pipeline.cache.store import CacheStore
from pipeline.film_request import FilmRequest
from pipeline.music.styles import canonical_style
from pipeline.music.track import track_chunks
from pipeline.progress import TimedChunks
from pipeline.sound.stems import MUSIC_STAGE as MUSIC_PROGRESS
from pipeline.sound.stems import write_music_stem
from pipeline.stage_cache import MUSIC_STAGE, CacheTally, music_key, stored_music
from pipeline.types import FILM_SAMPLE_RATE_HZ, AudioArray, ProgressCallback, no_progress
from pipeline.worker_thread import WorkerThread

MUSIC_CHUNK_S = 3.0
"""Music is made in pieces this long (the synthesiser's temporary memory scales with it)."""
STEM_NAME = "music-stem.f32"


class MusicBed:
    """The film's music: made by its backend, or read from the cache (and kept there)."""

    def __init__(
        self,
        request: FilmRequest,
        duration_s: float,
        stages: StageBackends,
        cache: CacheStore | None,
        tally: CacheTally,
        folder: Path,
        progress: ProgressCallback = no_progress,
    ) -> None:
        self.request = request
        self.progress = progress
        self.duration_s = duration_s
        self.stages = stages
        self.cache = cache
        self.tally = tally
        self.folder = folder
        self.timer: TimedChunks | None = None
        self._load_s = 0.0
        self._made = False
        music = request.music
        self.key: str | None = None
        if cache is not None and (music.track is not None or music.style is not None):
            self.key = music_key(
                canonical_style(music.style) if music.style is not None else None,
                music.track,
                request.music_prompt if music.track is None else None,
                duration_s,
                request.seed,
                FILM_SAMPLE_RATE_HZ,
                cache_inputs(request.backends, "music"),
            )

    @property
    def seconds(self) -> float:
        """Seconds spent producing the music (0 when it was not needed)."""
        return self._load_s + (self.timer.seconds if self.timer is not None else 0.0)

    def in_cache(self) -> bool:
        """Whether the music is in the stage cache (reading it back is cheap)."""
        return self.cache is not None and self.key is not None and self.cache.holds(self.key)

    def start_early(self) -> EarlyMusic | None:
        """Start making the music (and its stem) in a thread, when there is music that the
        stage cache does not hold; None otherwise."""
        music = self.request.music
        if (music.track is None and music.style is None) or self.in_cache():
            return None
        early = EarlyMusic(self)
        early.start()
        return early

    def ready_stem(self, early: EarlyMusic | None, progress: ProgressCallback) -> Path | None:
        """The film's music stem for compose (None: no music): the one made early, once it is
        written (progress reported from this thread meanwhile), or written now."""
        return early.result(progress) if early is not None else self.stem(progress)

    def stem(self, progress: ProgressCallback | None = None) -> Path | None:
        """The music written to the film's stem file under the bed's folder (None: no music);
        music made here (not read from the stage cache) is kept in the cache from it."""
        report = progress or self.progress
        path = write_music_stem(
            self.source(report), self.duration_s, self.folder / STEM_NAME, report
        )
        if path is not None and self._made and self.cache is not None and self.key is not None:
            self.cache.put(self.key, path)
        return path

    def source(self, progress: ProgressCallback | None = None) -> TimedChunks | None:
        """The music's chunks, or None for a film without music; a neural backend reports
        to progress (the bed's own by default)."""
        if self.cache is not None and self.key is not None:
            stored = self.cache.get(self.key)
            if stored is not None:
                self.tally.count(MUSIC_STAGE, True)
                self.timer = TimedChunks(stored_music(stored, _music_chunk_samples()))
                return self.timer
        started = time.perf_counter()  # loading a soundfont or a model happens here
        made = _music_source(self.request, self.duration_s, self.stages, progress or self.progress)
        self._load_s += time.perf_counter() - started
        if made is None:
            return None
        self._made = True
        if self.cache is not None and self.key is not None:
            self.tally.count(MUSIC_STAGE, False)
        self.timer = TimedChunks(made)
        return self.timer


def _music_chunk_samples() -> int:
    return round(MUSIC_CHUNK_S * FILM_SAMPLE_RATE_HZ)


def _music_source(
    request: FilmRequest, duration_s: float, stages: StageBackends, progress: ProgressCallback
) -> Iterator[AudioArray] | None:
    music = request.music
    if music.track is not None:
        return track_chunks(music.track, duration_s, FILM_SAMPLE_RATE_HZ, MUSIC_CHUNK_S)
    if music.style is None:
        return None
    return stages.music_chunks(
        canonical_style(music.style),
        duration_s,
        FILM_SAMPLE_RATE_HZ,
        request.seed,
        MUSIC_CHUNK_S,
        request.music_prompt,
        progress,
    )


class EarlyMusic(WorkerThread):
    """A MusicBed's stem written in a thread of its own (MusicBed.stem); stoppable."""

    def __init__(self, bed: MusicBed) -> None:
        super().__init__("film-music")
        self.bed = bed
        self.path: Path | None = None

    def work(self) -> None:
        self.path = self.bed.stem(self.report_progress)

    def result(self, progress: ProgressCallback) -> Path | None:
        """The stem (None: no music), once written; progress("music", f) is reported from
        the calling thread meanwhile. Raises the thread's error."""
        self.wait(lambda: progress(MUSIC_PROGRESS, self.fraction))
        return self.path

    def stop(self) -> None:
        """Stop at the next chunk and wait for the thread; its stem is removed."""
        super().stop()
        self.join()
        (self.bed.folder / STEM_NAME).unlink(missing_ok=True)
