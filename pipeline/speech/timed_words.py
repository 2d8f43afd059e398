"""Word timings for narration clips that came without them (Indic Parler-TTS, piper).

When the Whisper aligner's weights are in MODEL_DIR and the commercial gate allows them, each
clip without word timings gets them from forced alignment (pipeline.speech.word_alignment), and
the render's backend log records the timing source under "tts_words". Otherwise, or when a clip
cannot be aligned, the clip keeps none and the subtitles spread its words evenly, quietly:
better timings are an enhancement, never a reason to warn or fail.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import BackendUnavailableError
from pipeline.neural.fallback import BackendLog
from pipeline.neural.licences import is_refused
from pipeline.neural.registry import WHISPER_ALIGNER
from pipeline.neural.torch_device import free_cuda, is_out_of_memory
from pipeline.speech import word_alignment
from pipeline.types import SpokenSentence

logger = logging.getLogger(__name__)

WORDS_STAGE = "tts_words"
"""The backend log's key for where narration word timings came from."""


class WordTimer:
    """Aligns the words of clips without timings, with the aligner loaded at most once."""

    def __init__(
        self, model_dir: Path | None, device: str | None, log: BackendLog, commercial_only: bool
    ) -> None:
        self.model_dir = model_dir
        self.device = device
        self.log = log
        self.commercial_only = commercial_only
        self._aligner: word_alignment.Aligner | None = None
        self._unavailable = False
        self._lock = threading.Lock()

    def fill(self, clips: Sequence[SpokenSentence], language: str) -> list[SpokenSentence]:
        """The clips, those without word timings given the aligner's where it can."""
        if all(clip.word_starts for clip in clips):
            return list(clips)
        aligner = self._load()
        if aligner is None:
            return list(clips)
        timed = [
            clip if clip.word_starts else self._align(aligner, clip, language) for clip in clips
        ]
        if any(
            new.word_starts and not old.word_starts for old, new in zip(clips, timed, strict=True)
        ):
            self.log.use(WORDS_STAGE, f"whisper:{WHISPER_ALIGNER.name}")
        return timed

    def _align(
        self, aligner: word_alignment.Aligner, clip: SpokenSentence, language: str
    ) -> SpokenSentence:
        try:
            starts = word_alignment.align_words(
                aligner, clip.sentence.text, language, clip.audio, clip.sample_rate
            )
        except (RuntimeError, MemoryError) as error:
            if not is_out_of_memory(error):
                raise
            free_cuda()
            logger.info("Word alignment ran out of memory; the words are spread evenly.")
            return clip
        return replace(clip, word_starts=starts) if starts else clip

    def _load(self) -> word_alignment.Aligner | None:
        """The aligner, loaded on first use (scenes narrated on other threads wait for it)."""
        with self._lock:
            return self._load_once()

    def _load_once(self) -> word_alignment.Aligner | None:
        if self._aligner is not None or self._unavailable:
            return self._aligner
        self._unavailable = True
        if self.model_dir is None or is_refused(WHISPER_ALIGNER, self.commercial_only):
            return None
        folder = word_alignment.model_folder(self.model_dir)
        if word_alignment.missing_files(folder):
            return None
        try:
            self._aligner = word_alignment.load(folder, self.device)
        except BackendUnavailableError as error:
            logger.info("No word alignment: %s", error)
            return None
        self._unavailable = False
        return self._aligner
