"""Narration that stops at the length the user paid for.

The charge is set from an estimate before any speech exists; if the real speech runs longer
the job delivers what was paid for (the last sentence cut) and says so, never more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.audio_files import SENTENCE_PAUSE_S
from pipeline.backends import BackendChoice, StageBackends
from pipeline.types import ProgressCallback, Sentence, SpokenSentence, no_progress


class PaidLengthBackends(StageBackends):
    """StageBackends whose narration is spoken one sentence at a time up to paid_s seconds."""

    def __init__(self, choice: BackendChoice, paid_s: float) -> None:
        super().__init__(choice)
        self.paid_s = paid_s

    def speak(
        self,
        sentences: Sequence[Sentence],
        voice: str,
        language: str,
        words_per_minute: int,
        progress: ProgressCallback = no_progress,
    ) -> list[SpokenSentence]:
        """The sentences' speech, with the pauses between them, cut at paid_s seconds."""
        spoken: list[SpokenSentence] = []
        total_s = 0.0
        for done, sentence in enumerate(sentences, start=1):
            pause_s = SENTENCE_PAUSE_S if spoken else 0.0
            (clip,) = super().speak([sentence], voice, language, words_per_minute)
            room = round((self.paid_s - total_s - pause_s) * clip.sample_rate)
            if room < len(clip.audio):
                if room > 0:
                    spoken.append(replace(clip, audio=clip.audio[:room]))
                self.warnings.append(
                    f"The narration was stopped at the {self.paid_s / 60:.0f} paid minutes; "
                    f"{len(sentences) - done + (room <= 0)} sentence(s) were not spoken in full."
                )
                break
            spoken.append(clip)
            total_s += pause_s + len(clip.audio) / clip.sample_rate
            progress("tts", done / max(1, len(sentences)))
        return spoken
