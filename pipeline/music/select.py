"""Which music plays: MusicGen (style plus prompt) when chosen and present, else the styles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.music import musicgen, styles
from pipeline.music.musicgen import MusicGenSettings
from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.registry import MUSICGEN_SMALL
from pipeline.types import AudioArray
from pipeline.vocabulary import MusicBackend

STAGE = "music"
PROCEDURAL = "procedural"
"""The default music backend's name in render.json."""
_DOWNLOAD = "`filmstudio models download musicgen-small` fetches it"


class MusicMaker:
    """Makes a music style's chunks with the chosen backend."""

    def __init__(
        self,
        backend: MusicBackend,
        model_dir: Path | None,
        device: str | None,
        settings: MusicGenSettings,
        log: BackendLog,
        commercial_only: bool = False,
    ) -> None:
        self.backend = backend
        self.commercial_only = commercial_only
        self.model_dir = model_dir
        self.device = device
        self.settings = settings
        self.log = log

    def music_chunks(
        self,
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
        prompt: str | None = None,
    ) -> Iterator[AudioArray]:
        """Stereo chunks of a music style: MusicGen (style + prompt) when chosen and present,
        else the procedural style; exactly round(duration_s * sample_rate) samples either way."""
        folder = self._musicgen_folder()
        if folder is not None:
            try:
                chunks = musicgen.music_chunks(
                    folder,
                    style,
                    duration_s,
                    sample_rate,
                    seed,
                    prompt=prompt,
                    chunk_s=chunk_s,
                    settings=self.settings,
                    device=self.device,
                )
            except BackendUnavailableError as error:
                self.log.warn(
                    f"Music: MusicGen cannot run here ({error}); the {style} style is used."
                )
            else:
                self.log.use(STAGE, f"musicgen:{folder.name}")
                return chunks
        self.log.use(STAGE, PROCEDURAL)
        return styles.music_chunks(style, duration_s, sample_rate, seed, chunk_s)

    def _musicgen_folder(self) -> Path | None:
        if self.backend != "musicgen":
            return None
        fallback = "the procedural style plays"
        if is_refused(MUSICGEN_SMALL, self.commercial_only):
            self.log.fall_back(STAGE, PROCEDURAL, refusal("Music", MUSICGEN_SMALL, fallback))
            return None
        if self.model_dir is None:
            self.log.fall_back(
                STAGE, PROCEDURAL, no_model_dir("Music: MusicGen", fallback, _DOWNLOAD)
            )
            return None
        folder = musicgen.default_folder(self.model_dir)
        missing = musicgen.missing_files(folder)
        if missing:
            message = missing_weights("Music: the MusicGen", folder, missing, fallback, _DOWNLOAD)
            self.log.fall_back(STAGE, PROCEDURAL, message)
            return None
        return folder
