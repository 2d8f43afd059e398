"""Which voice narrates: Kokoro, piper or Indic Parler-TTS when chosen and present, else espeak-ng.

auto (the default) narrates with Kokoro in the languages where notebooks/10_voices.ipynb
measured it better than espeak-ng (pipeline.speech.kokoro_choice) when the model is installed
(the `voice` extra, or a MODEL_DIR/kokoro folder), with Indic Parler-TTS in the other Indian
languages it speaks when its weights are in MODEL_DIR and allowed, and with espeak-ng everywhere
else, quietly.
parler narrates the Indian languages Indic Parler-TTS speaks (pipeline.speech.parler_tts.LANGUAGES)
with it, from MODEL_DIR/indic-parler-tts, and every other language as auto does.
An explicit kokoro, piper or parler that cannot serve falls back to espeak-ng with one warning.
Piper's and Indic Parler-TTS's clips, which come without word timings, get them from the
Whisper aligner when it is installed and allowed (pipeline.speech.timed_words), quietly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.languages import get_language
from pipeline.neural.fallback import BackendLog, missing_weights, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.onnx import onnx_providers, onnx_uses_cuda
from pipeline.neural.registry import INDIC_PARLER_SPECS, piper_voice_model
from pipeline.speech import kokoro, kokoro_model, parler_model, parler_tts, piper_tts, tts
from pipeline.speech.kokoro_choice import kokoro_is_default, voice_vectors
from pipeline.speech.timed_words import WordTimer
from pipeline.types import ProgressCallback, Sentence, SpokenSentence, no_progress
from pipeline.vocabulary import TtsBackend

STAGE = "tts"
ESPEAK = "espeak-ng"
"""The default narration backend's name in render.json."""
KOKORO_INSTALL = "pip install 'ai-film-studio[voice]'; `make serve` installs it"
"""How to get the Kokoro model, as the fallback warning says it."""
PARLER_DOWNLOAD = "`filmstudio models download 'indic-parler-tts*'` fetches it"
"""How to get Indic Parler-TTS, as the fallback warning says it."""


class Narrator:
    """Speaks sentences with the chosen backend, resolving each language and voice once."""

    def __init__(
        self,
        backend: TtsBackend,
        model_dir: Path | None,
        device: str | None,
        log: BackendLog,
        commercial_only: bool = False,
        *,
        time_words: bool = True,
    ) -> None:
        self.backend = backend
        self.commercial_only = commercial_only
        self.model_dir = model_dir
        self.device = device
        self.log = log
        self._piper: dict[tuple[str, str], Path | None] = {}
        self._kokoro: kokoro_model.KokoroModel | None = None
        self._kokoro_failed = False
        self._parler: parler_model.ParlerModel | None = None
        self._parler_failed = False
        self._words = WordTimer(model_dir, device, log, commercial_only) if time_words else None

    def speak(
        self,
        sentences: Sequence[Sentence],
        voice: str,
        language: str,
        words_per_minute: int,
        progress: ProgressCallback = no_progress,
    ) -> list[SpokenSentence]:
        """Narrate the sentences with Indic Parler-TTS, Kokoro or piper when chosen (or auto)
        and present, else espeak-ng; each clip is trimmed to its sound, as espeak-ng's are.
        Clips of backends that give no word timings get them from the Whisper aligner when it
        is installed and allowed (pipeline.speech.timed_words)."""
        parler = self._parler_model(language)
        if parler is not None:
            self.log.use(STAGE, "parler:indic-parler-tts")
            try:
                made = parler_tts.synthesize(
                    parler, sentences, voice, language, words_per_minute, progress
                )
                return self._timed(made, language)
            except BackendUnavailableError as error:
                self._parler, self._parler_failed = None, True
                self.log.fall_back(STAGE, ESPEAK, f"Narration: {error} So espeak-ng spoke it.")
        model = self._kokoro_model(language)
        if model is not None:
            self.log.use(STAGE, "kokoro:" + "+".join(voice_vectors(language, voice)))
            return kokoro.synthesize(model, sentences, voice, language, words_per_minute, progress)
        voices_dir = self._piper_voices(language, voice)
        if voices_dir is None:
            return tts.synthesize(sentences, voice, language, words_per_minute, progress)
        made = piper_tts.synthesize(
            sentences,
            voice,
            language,
            words_per_minute,
            voices_dir,
            progress,
            use_cuda=onnx_uses_cuda(self.device),
        )
        trimmed = [
            replace(clip, audio=tts.trim_silence(clip.audio, clip.sample_rate)) for clip in made
        ]
        return self._timed(trimmed, language)

    def _timed(self, clips: list[SpokenSentence], language: str) -> list[SpokenSentence]:
        return clips if self._words is None else self._words.fill(clips, language)

    def _piper_voices(self, language: str, voice: str) -> Path | None:
        """The piper voices folder when piper can narrate this language and voice, else None
        (with a warning when piper was chosen)."""
        if self.backend != "piper":
            self.log.used.setdefault(STAGE, ESPEAK)
            return None
        key = (language, voice)
        if key not in self._piper:
            self._piper[key] = self._resolve_piper(language, voice)
        return self._piper[key]

    def _resolve_piper(self, language: str, voice: str) -> Path | None:
        name = get_language(language).name
        try:
            choice = piper_tts.voice_for(language, voice)
        except BackendUnavailableError:
            self.log.fall_back(
                STAGE, ESPEAK, f"Narration: piper has no voice for {name}, so espeak-ng spoke it."
            )
            return None
        spec = piper_voice_model(language, voice)
        if spec is not None and is_refused(spec, self.commercial_only):
            self.log.fall_back(STAGE, ESPEAK, refusal("Narration", spec, "espeak-ng spoke it"))
            return None
        download = f"`filmstudio models download piper-{choice.model}`"
        if self.model_dir is None:
            message = no_model_dir(
                "Narration: piper", "espeak-ng spoke it", f"{download} fetches the voice"
            )
            self.log.fall_back(STAGE, ESPEAK, message)
            return None
        voices_dir = piper_tts.voices_folder(self.model_dir)
        missing = piper_tts.missing_files(voices_dir, language, voice)
        if missing:
            self.log.fall_back(
                STAGE,
                ESPEAK,
                f"Narration: the piper voice {choice.model} is not in {voices_dir} "
                f"(missing {', '.join(missing)}), so espeak-ng spoke it ({download} fetches it).",
            )
            return None
        self.log.use(STAGE, f"piper:{choice.model}")
        return voices_dir

    def _kokoro_model(self, language: str) -> kokoro_model.KokoroModel | None:
        """The Kokoro model when it narrates this language, else None (with a warning when
        kokoro was chosen, or when auto found it installed but unusable)."""
        wanted = self.backend == "kokoro" or (
            self.backend in ("auto", "parler") and kokoro_is_default(language)
        )
        if not wanted or self._kokoro_failed:
            return None
        if self._kokoro is not None:
            return self._kokoro
        if not kokoro_model.available(self.model_dir):
            if self.backend == "kokoro":
                self._fail(
                    f"Narration: Kokoro is not installed ({KOKORO_INSTALL}), so espeak-ng spoke it."
                )
            self._kokoro_failed = True
            return None
        try:
            self._kokoro = kokoro_model.load(self.model_dir, onnx_providers(self.device))
        except BackendUnavailableError as error:
            self._fail(f"Narration: {error} So espeak-ng spoke it.")
        return self._kokoro

    def _parler_model(self, language: str) -> parler_model.ParlerModel | None:
        """Indic Parler-TTS when parler was chosen and narrates this language, else None
        (with a warning when its weights are refused, missing or do not load)."""
        quiet = self.backend == "auto"
        wanted = self.backend == "parler" or (quiet and not kokoro_is_default(language))
        if not wanted or self._parler_failed or not parler_tts.serves(language):
            return None
        if self._parler is not None:
            return self._parler
        message = self._parler_problem()
        if message is not None and quiet:  # auto uses it only when installed and allowed
            self._parler_failed = True
            return None
        if message is None:
            assert self.model_dir is not None
            try:
                self._parler = parler_model.load(
                    parler_tts.model_folder(self.model_dir), self.device
                )
                return self._parler
            except BackendUnavailableError as error:
                message = f"Narration: {error} So espeak-ng spoke it."
        self._parler_failed = True
        self.log.fall_back(STAGE, ESPEAK, message)
        return None

    def _parler_problem(self) -> str | None:
        """Why Indic Parler-TTS cannot be loaded (the warning), or None when it can."""
        for spec in INDIC_PARLER_SPECS:
            if is_refused(spec, self.commercial_only):
                return refusal("Narration", spec, "espeak-ng spoke it")
        if self.model_dir is None:
            return no_model_dir(
                "Narration: Indic Parler-TTS", "espeak-ng spoke it", PARLER_DOWNLOAD
            )
        folder = parler_tts.model_folder(self.model_dir)
        missing = parler_model.missing_files(folder)
        if missing:
            return missing_weights(
                "Narration: Indic Parler-TTS",
                folder,
                missing,
                "espeak-ng spoke it",
                PARLER_DOWNLOAD,
            )
        return None

    def _fail(self, message: str) -> None:
        self._kokoro_failed = True
        self.log.fall_back(STAGE, ESPEAK, message)
