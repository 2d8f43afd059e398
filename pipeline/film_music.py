"""The film's music bed for one render: made by its backend, or read from the stage cache
(and kept there when made), timed as the "music" stage. A neural backend reports its progress
as the "music" stage, from the thread that reads the music (the sound thread)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.backends import StageBackends, cache_inputs
from pipeline.cache.store import CacheStore
from pipeline.film_request import FilmRequest
from pipeline.music.styles import canonical_style
from pipeline.music.track import track_chunks
from pipeline.progress import TimedChunks
from pipeline.stage_cache import MUSIC_STAGE, CacheTally, keep_music, music_key, stored_music
from pipeline.types import FILM_SAMPLE_RATE_HZ, AudioArray, ProgressCallback, no_progress

MUSIC_CHUNK_S = 3.0
"""Music is made in pieces this long (the synthesiser's temporary memory scales with it)."""


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
        return self.timer.seconds if self.timer is not None else 0.0

    def source(self) -> TimedChunks | None:
        """The music's chunks, or None for a film without music."""
        if self.cache is not None and self.key is not None:
            stored = self.cache.get(self.key)
            if stored is not None:
                self.tally.count(MUSIC_STAGE, True)
                self.timer = TimedChunks(stored_music(stored, _music_chunk_samples()))
                return self.timer
        made = _music_source(self.request, self.duration_s, self.stages, self.progress)
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
