"""Which music plays: MusicGen (style plus prompt) when chosen and present, else the styles.

The styles play through a General MIDI soundfont (pipeline.music.soundfont) when one is
installed or named, else through the wavetable synthesiser (pipeline.music.styles). A named
soundfont that is missing or unreadable falls back to the wavetable with one warning; with
"auto" and none installed the wavetable plays without one. `instruments` says which played.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.music import musicgen, styles
from pipeline.music.arrangements import ARRANGEMENTS
from pipeline.music.musicgen import MusicGenSettings
from pipeline.music.soundfont import soundfont_chunks
from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.registry import MUSICGEN_SMALL
from pipeline.neural.soundfonts import installed_soundfont
from pipeline.types import AudioArray
from pipeline.vocabulary import MusicBackend

STAGE = "music"
PROCEDURAL = "procedural"
"""The default music backend's name in render.json."""
_DOWNLOAD = "`filmstudio models download musicgen-small` fetches it"
AUTO_SOUNDFONT = "auto"
"""Soundfont choice: the first known General MIDI soundfont installed, else the wavetable."""
NO_SOUNDFONT = "none"
"""Soundfont choice: always the wavetable synthesiser."""
WAVETABLE = "wavetable"
"""`instruments` when the wavetable synthesiser played the style."""
SOUNDFONT_PREFIX = "soundfont:"


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
        soundfont: str = AUTO_SOUNDFONT,
    ) -> None:
        self.backend = backend
        self.commercial_only = commercial_only
        self.soundfont = soundfont
        self.instruments: str | None = None
        """What played a procedural style: "soundfont:<file name>" or "wavetable"."""
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
        return self.style_chunks(style, duration_s, sample_rate, seed, chunk_s)

    def style_chunks(
        self, style: str, duration_s: float, sample_rate: int, seed: int, chunk_s: float
    ) -> Iterator[AudioArray]:
        """A catalogue style through the soundfont when there is one, else the wavetable."""
        key = styles.canonical_style(style)
        path = self._soundfont_path() if key in ARRANGEMENTS else None
        if path is not None:
            try:
                chunks = soundfont_chunks(path, key, duration_s, sample_rate, seed, chunk_s)
            except BackendUnavailableError as error:
                self.log.warn(f"Music: {error} The wavetable instruments play instead.")
            else:
                self.instruments = SOUNDFONT_PREFIX + path.name
                return chunks
        self.instruments = WAVETABLE
        return styles.music_chunks(style, duration_s, sample_rate, seed, chunk_s)

    def _soundfont_path(self) -> Path | None:
        choice = self.soundfont.strip()
        if choice.lower() == NO_SOUNDFONT:
            return None
        if not choice or choice.lower() == AUTO_SOUNDFONT:
            spec = installed_soundfont()
            return spec.path if spec is not None else None
        path = Path(choice).expanduser()
        if not path.is_file():
            self.log.warn(
                f"Music: the soundfont {path} does not exist, so the wavetable instruments "
                "play (install musescore-general-soundfont-small or fix MUSIC_SOUNDFONT)."
            )
            return None
        return path

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
