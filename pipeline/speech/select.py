"""Which voice narrates: piper when chosen and its voice is in MODEL_DIR, else espeak-ng."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.languages import get_language
from pipeline.neural.fallback import BackendLog, no_model_dir
from pipeline.neural.licences import is_refused, refusal
from pipeline.neural.onnx import onnx_uses_cuda
from pipeline.neural.registry import piper_voice_model
from pipeline.speech import piper_tts, tts
from pipeline.types import ProgressCallback, Sentence, SpokenSentence, no_progress
from pipeline.vocabulary import TtsBackend

STAGE = "tts"
ESPEAK = "espeak-ng"
"""The default narration backend's name in render.json."""


class Narrator:
    """Speaks sentences with the chosen backend, resolving each language and voice once."""

    def __init__(
        self,
        backend: TtsBackend,
        model_dir: Path | None,
        device: str | None,
        log: BackendLog,
        commercial_only: bool = False,
    ) -> None:
        self.backend = backend
        self.commercial_only = commercial_only
        self.model_dir = model_dir
        self.device = device
        self.log = log
        self._piper: dict[tuple[str, str], Path | None] = {}

    def speak(
        self,
        sentences: Sequence[Sentence],
        voice: str,
        language: str,
        words_per_minute: int,
        progress: ProgressCallback = no_progress,
    ) -> list[SpokenSentence]:
        """Narrate the sentences with piper when chosen and its voice is present, else espeak-ng;
        each clip is trimmed to its sound, as espeak-ng's are."""
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
        return [
            replace(clip, audio=tts.trim_silence(clip.audio, clip.sample_rate)) for clip in made
        ]

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
