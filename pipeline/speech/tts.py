"""Text to speech with espeak-ng: one mono clip per sentence, trimmed to the spoken sound."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.errors import InputError
from pipeline.languages import SUPPORTED_LANGUAGES, get_language
from pipeline.speech import espeak
from pipeline.types import AudioArray, ProgressCallback, Sentence, SpokenSentence, no_progress
from pipeline.vocabulary import VOICES

STAGE = "tts"
"""Stage name reported to progress callbacks."""

DEFAULT_WORDS_PER_MINUTE = 160
"""The narration pace the studio aims for, in espeak words per minute."""

MIN_WORDS_PER_MINUTE = 128
MAX_WORDS_PER_MINUTE = 208
"""The slowest and fastest pace the fit-to-length step may choose (0.8x and 1.3x the default)."""


@dataclass(frozen=True)
class VoiceStyle:
    """How one studio voice is made from espeak: a variant file plus pitch adjustments (0..100)."""

    variant: str
    pitch: int = 50
    pitch_range: int = 50


VOICE_STYLES: dict[str, VoiceStyle] = {
    "male": VoiceStyle("m3"),
    "female": VoiceStyle("f3"),
    # shelby: an ungendered variant with mid formants; lowered to sit between the other two.
    "neutral": VoiceStyle("shelby", pitch=35),
}
"""The voices a user can pick, by name."""

LANGUAGES: tuple[str, ...] = tuple(SUPPORTED_LANGUAGES)
"""Codes of the narration languages (en, hi, ta, te, es, fr, de and more)."""

SILENCE_THRESHOLD = 10 ** (-50 / 20)
"""Amplitude below which an edge of a clip counts as silence (-50 dBFS)."""

SILENCE_WINDOW_S = 0.005
"""Length of the windows the silence trim looks at."""

EDGE_MARGIN_S = 0.02
"""Silence kept before the first and after the last sound of each clip."""


@dataclass(frozen=True)
class SpokenText:
    """One synthesised, trimmed clip with (character index, seconds) for each word start."""

    audio: AudioArray
    sample_rate: int
    word_starts: tuple[tuple[int, float], ...]


def check_voice(voice: str) -> VoiceStyle:
    """The style of a voice name; InputError for an unknown one."""
    style = VOICE_STYLES.get(voice)
    if style is None:
        raise InputError(f"Voice {voice!r} is not available; choose one of: {', '.join(VOICES)}.")
    return style


def voice_settings(voice: str, language: str, words_per_minute: int) -> espeak.VoiceSettings:
    """The espeak settings for a studio voice speaking a language at a pace."""
    style = check_voice(voice)
    espeak_voice = get_language(language).espeak_voice
    return espeak.VoiceSettings(
        name=f"{espeak_voice}+{style.variant}",
        rate_wpm=words_per_minute,
        pitch=style.pitch,
        pitch_range=style.pitch_range,
    )


def sound_bounds(audio: AudioArray, sample_rate: int) -> tuple[int, int]:
    """(first, end) sample of the sound in a clip, with a short margin; (0, 0) if silent."""
    window = max(1, round(SILENCE_WINDOW_S * sample_rate))
    count = len(audio) // window
    if count == 0:
        return 0, 0
    peaks = np.abs(audio[: count * window]).reshape(count, window).max(axis=1)
    loud = np.flatnonzero(peaks > SILENCE_THRESHOLD)
    if len(loud) == 0:
        return 0, 0
    margin = round(EDGE_MARGIN_S * sample_rate)
    start = max(0, int(loud[0]) * window - margin)
    end = min(len(audio), (int(loud[-1]) + 1) * window + margin)
    return start, end


def trim_silence(audio: AudioArray, sample_rate: int) -> AudioArray:
    """Cut leading and trailing silence, keeping a short margin around the sound."""
    start, end = sound_bounds(audio, sample_rate)
    return audio[start:end]


def speak(text: str, voice: str, language: str, words_per_minute: int) -> SpokenText:
    """Synthesise one piece of text, trimmed to its sound, with its word start times."""
    utterance = espeak.speak(text, voice_settings(voice, language, words_per_minute))
    rate = utterance.sample_rate
    start, end = sound_bounds(utterance.samples, rate)
    last = max(0.0, (end - start) / rate)
    words = tuple(
        (char_index, min(last, max(0.0, (sample - start) / rate)))
        for char_index, sample in utterance.word_starts
        if 0 <= char_index < len(text)
    )
    return SpokenText(utterance.samples[start:end], rate, words)


def synthesize(
    sentences: Sequence[Sentence],
    voice: str,
    language: str,
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
    progress: ProgressCallback = no_progress,
    *,
    speaker_voices: Mapping[str, str] | None = None,
) -> list[SpokenSentence]:
    """Speak each sentence with espeak-ng; one trimmed mono clip per sentence, in order.

    speaker_voices optionally gives a character (Sentence.speaker) a voice of its own.
    Unknown voices or languages raise InputError. Safe to call from several threads.
    """
    check_voice(voice)
    get_language(language)
    voices = dict(speaker_voices or {})
    for speaker_voice in voices.values():
        check_voice(speaker_voice)
    if not espeak.MIN_RATE_WPM <= words_per_minute <= espeak.MAX_RATE_WPM:
        raise ValueError(f"words_per_minute {words_per_minute} is outside espeak's range.")
    spoken: list[SpokenSentence] = []
    progress(STAGE, 0.0)
    for done, sentence in enumerate(sentences, start=1):
        sentence_voice = voices.get(sentence.speaker or "", voice)
        clip = speak(sentence.text, sentence_voice, language, words_per_minute)
        spoken.append(
            SpokenSentence(
                sentence=sentence,
                audio=clip.audio,
                sample_rate=clip.sample_rate,
                word_starts=clip.word_starts,
            )
        )
        progress(STAGE, done / max(1, len(sentences)))
    return spoken
