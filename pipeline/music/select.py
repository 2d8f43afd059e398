"""Which music plays: ACE-Step or MusicGen (style plus prompt) when chosen and present, else
the styles.

The styles play through a General MIDI soundfont (pipeline.music.soundfont) when one is
installed or named, else through the wavetable synthesiser (pipeline.music.styles). A named
soundfont that is missing or unreadable falls back to the wavetable with one warning; with
"auto" and none installed the wavetable plays without one. `instruments` says which played.
A neural backend that stops while its music is read (ACE-Step out of GPU memory twice) hands
over to the procedural style for the rest of the track, with one warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.music import acestep, musicgen, styles
from pipeline.music.acestep import AceStepSettings
from pipeline.music.arrangements import ARRANGEMENTS
from pipeline.music.musicgen import MusicGenSettings
from pipeline.music.soundfont import soundfont_chunks
from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.model_spec import ModelSpec
from pipeline.neural.registry import ACESTEP_XL_TURBO, MUSICGEN_SMALL
from pipeline.neural.soundfonts import installed_soundfont
from pipeline.types import AudioArray, ProgressCallback, no_progress
from pipeline.vocabulary import MusicBackend

STAGE = "music"
PROCEDURAL = "procedural"
"""The default music backend's name in render.json."""
FALLBACK = "the procedural style plays"
AUTO_SOUNDFONT = "auto"
"""Soundfont choice: the first known General MIDI soundfont installed, else the wavetable."""
NO_SOUNDFONT = "none"
"""Soundfont choice: always the wavetable synthesiser."""
WAVETABLE = "wavetable"
"""`instruments` when the wavetable synthesiser played the style."""
SOUNDFONT_PREFIX = "soundfont:"


@dataclass(frozen=True)
class NeuralMusic:
    """A neural music backend: its name in messages, its registry model and its folder check."""

    label: str
    spec: ModelSpec
    default_folder: Callable[[Path], Path]
    missing_files: Callable[[Path], list[str]]

    @property
    def download(self) -> str:
        """The sentence that says how to fetch the weights."""
        return f"`filmstudio models download {self.spec.name}` fetches it"


NEURAL_MUSIC: dict[str, NeuralMusic] = {
    "musicgen": NeuralMusic(
        "MusicGen", MUSICGEN_SMALL, musicgen.default_folder, musicgen.missing_files
    ),
    "acestep": NeuralMusic(
        "ACE-Step", ACESTEP_XL_TURBO, acestep.default_folder, acestep.missing_files
    ),
}
"""The neural music backends by their MUSIC_BACKEND name."""


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
        acestep_settings: AceStepSettings = acestep.DEFAULT_SETTINGS,
    ) -> None:
        self.backend = backend
        self.commercial_only = commercial_only
        self.soundfont = soundfont
        self.instruments: str | None = None
        """What played a procedural style: "soundfont:<file name>" or "wavetable"."""
        self.model_dir = model_dir
        self.device = device
        self.settings = settings
        self.acestep_settings = acestep_settings
        self.log = log

    def music_chunks(
        self,
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
        prompt: str | None = None,
        progress: ProgressCallback = no_progress,
    ) -> Iterator[AudioArray]:
        """Stereo chunks of a music style: the chosen neural backend (style + prompt) when it
        is present, else the procedural style; exactly round(duration_s * sample_rate) samples
        either way. progress("music", f) follows a neural backend's generation (it may raise to
        cancel)."""
        model = NEURAL_MUSIC.get(self.backend)
        folder = self._model_folder(model) if model is not None else None
        if model is not None and folder is not None:
            try:
                chunks = self._neural_chunks(
                    folder, style, duration_s, sample_rate, seed, chunk_s, prompt, progress
                )
            except BackendUnavailableError as error:
                self.log.warn(
                    f"Music: {model.label} cannot run here ({error}); the {style} style is used."
                )
            else:
                self.log.use(STAGE, f"{self.backend}:{folder.name}")
                return self._handing_over(
                    model, chunks, style, duration_s, sample_rate, seed, chunk_s
                )
        self.log.use(STAGE, PROCEDURAL)
        return self.style_chunks(style, duration_s, sample_rate, seed, chunk_s)

    def _neural_chunks(
        self,
        folder: Path,
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
        prompt: str | None,
        progress: ProgressCallback,
    ) -> Iterator[AudioArray]:
        make: Callable[..., Iterator[AudioArray]] = (
            partial(acestep.music_chunks, settings=self.acestep_settings)
            if self.backend == "acestep"
            else partial(musicgen.music_chunks, settings=self.settings)
        )
        return make(
            folder,
            style,
            duration_s,
            sample_rate,
            seed,
            prompt=prompt,
            chunk_s=chunk_s,
            device=self.device,
            progress=progress,
        )

    def _handing_over(
        self,
        model: NeuralMusic,
        chunks: Iterator[AudioArray],
        style: str,
        duration_s: float,
        sample_rate: int,
        seed: int,
        chunk_s: float,
    ) -> Iterator[AudioArray]:
        """The neural chunks; if the backend stops (BackendUnavailableError) the procedural
        style plays the rest, so the track keeps its exact length."""
        done = 0
        try:
            for chunk in chunks:
                done += len(chunk)
                yield chunk
            return
        except BackendUnavailableError as error:
            self.log.fall_back(
                STAGE,
                PROCEDURAL,
                f"Music: {model.label} stopped: {error} The {style} style plays the rest.",
            )
        rest = round(duration_s * sample_rate) - done
        if rest > 0:
            yield from self.style_chunks(style, rest / sample_rate, sample_rate, seed, chunk_s)

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

    def _model_folder(self, model: NeuralMusic) -> Path | None:
        """The neural backend's folder when it may run and is complete; else None, with the
        fallback recorded and its reason said once."""
        if is_refused(model.spec, self.commercial_only):
            self.log.fall_back(STAGE, PROCEDURAL, refusal("Music", model.spec, FALLBACK))
            return None
        if self.model_dir is None:
            message = no_model_dir(f"Music: {model.label}", FALLBACK, model.download)
            self.log.fall_back(STAGE, PROCEDURAL, message)
            return None
        folder = model.default_folder(self.model_dir)
        missing = model.missing_files(folder)
        if missing:
            message = missing_weights(
                f"Music: the {model.label}", folder, missing, FALLBACK, model.download
            )
            self.log.fall_back(STAGE, PROCEDURAL, message)
            return None
        return folder
