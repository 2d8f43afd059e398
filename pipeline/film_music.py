"""The film's music bed for one render: made by its backend, or read from the stage cache
(and kept there when made), timed as the "music" stage.

Music that must be made is made early, in a thread of its own, while the render reads the
images and speaks the script: its stem file (pipeline.sound.mix.write_music_stem) is ready,
and the synthesiser or model gone, before the encoders start. A neural backend's progress is
reported from the render's thread while it waits for the music.
"""

from __future__ import annotations

import threading
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
from pipeline.stage_cache import MUSIC_STAGE, CacheTally, keep_music, music_key, stored_music
from pipeline.types import FILM_SAMPLE_RATE_HZ, AudioArray, ProgressCallback, no_progress

MUSIC_CHUNK_S = 3.0
"""Music is made in pieces this long (the synthesiser's temporary memory scales with it)."""
EARLY_STEM_NAME = "music-early.f32"
WAIT_POLL_S = 0.1
"""How often the render's thread reports the early music's progress while it waits."""


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
        early = EarlyMusic(self, self.folder / EARLY_STEM_NAME)
        early.start()
        return early

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
        if self.cache is not None and self.key is not None:
            self.tally.count(MUSIC_STAGE, False)
            total = round(self.duration_s * FILM_SAMPLE_RATE_HZ)
            made = keep_music(made, total, self.cache, self.key, self.folder)
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


class EarlyMusic(threading.Thread):
    """A MusicBed's music written to a stem file in a thread of its own; stoppable."""

    def __init__(self, bed: MusicBed, path: Path) -> None:
        super().__init__(name="film-music", daemon=True)
        self.bed = bed
        self.path = path
        self.fraction = 0.0
        self.stem: Path | None = None
        self.error: BaseException | None = None
        self._stop_requested = threading.Event()

    def _progress(self, _stage: str, fraction: float) -> None:
        if self._stop_requested.is_set():
            raise _Stopped
        self.fraction = max(self.fraction, fraction)

    def run(self) -> None:
        try:
            self.stem = write_music_stem(
                self.bed.source(self._progress), self.bed.duration_s, self.path, self._progress
            )
        except _Stopped:
            pass
        except BaseException as error:  # handed to the render's thread
            self.error = error

    def result(self, progress: ProgressCallback) -> Path | None:
        """The stem (None: no music), once written; progress("music", f) is reported from
        the calling thread meanwhile. Raises the thread's error."""
        while self.is_alive():
            self.join(WAIT_POLL_S)
            progress(MUSIC_PROGRESS, self.fraction)
        if self.error is not None:
            raise self.error
        return self.stem

    def stop(self) -> None:
        """Stop at the next chunk and wait for the thread; its stem is removed."""
        self._stop_requested.set()
        self.join()
        self.path.unlink(missing_ok=True)


class _Stopped(Exception):
    """The early music was asked to stop."""
