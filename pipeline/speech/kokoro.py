"""Neural narration with Kokoro-82M on ONNX Runtime, driven with espeak-ng phonemes.

The kokoro-onnx way, written here: each word of a sentence is read into IPA by the espeak-ng
library (pipeline.speech.espeak), the phonemes become tokens through the model's vocabulary
(characters it does not know are dropped), words are joined by the space token with the
sentence's punctuation kept, and the model speaks them with the voice's style vector for
that many tokens at a speed. Phonemising word by word makes every word's first token known,
so word starts come from the model's own predicted durations (frames per token, see
kokoro_model); a graph without them spreads the clip evenly over the tokens instead.

Voices (pipeline.speech.kokoro_choice): female and male are one style table each; neutral is
the average of the two. The pace: the fit-to-length step plans with espeak-ng's length
estimate (pipeline.speech.estimate), so a voice's length at speed 1 is measured once against
that estimate (the first sentence of the language's calibration passage), and a requested
pace becomes the speed at which Kokoro takes as long as the estimate says espeak-ng would
(within MIN_SPEED..MAX_SPEED): the plan's lengths hold whichever engine speaks.

Public API:
    tokenize(text, language, vocab) -> Tokens
    style_table(model, names) -> float32 [rows, 1, 256]    # one table, or a blend
    speak(model, text, language, voice, words_per_minute) -> SpokenText (trimmed)
    speak_with(model, text, language, names, words_per_minute) -> SpokenText
    synthesize(model, sentences, voice, language, words_per_minute, progress)
        -> list[SpokenSentence]                   # same contract as pipeline.speech.tts
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.errors import InputError
from pipeline.languages import get_language
from pipeline.speech import espeak
from pipeline.speech import estimate as speech_estimate
from pipeline.speech.kokoro_choice import voice_vectors
from pipeline.speech.kokoro_model import SAMPLE_RATE, SAMPLES_PER_FRAME, KokoroModel
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech.tts import SpokenText, check_voice, sound_bounds
from pipeline.types import AudioArray, ProgressCallback, Sentence, SpokenSentence, no_progress

STAGE = "tts"
SPACE = " "
MAX_TOKENS = 500
"""Phoneme tokens per model run (Kokoro's context is 512 with the two pads); longer
sentences are spoken in pieces split between words."""
MIN_SPEED = 0.5
MAX_SPEED = 2.0
"""Kokoro speeds the pace mapping may ask for (half and twice the natural rate)."""
ESTIMATE_VOICE = "neutral"
"""The espeak-ng voice whose estimated length Kokoro's voices are matched to."""
PEAK_LEVEL = 10 ** (-1.0 / 20)
"""Each sentence is peak-normalised to -1 dBFS, as piper's are."""
PUNCTUATION_MAP: Mapping[str, str] = {"।": ".", "॥": ".", "、": ",", "，": ",", "。": ".", "،": ","}
"""Punctuation of other scripts, as the vocabulary's own marks."""


@dataclass(frozen=True)
class Tokens:
    """A sentence as Kokoro tokens: ids (no pads) and, per word, (character index, index of
    its first token)."""

    ids: tuple[int, ...]
    words: tuple[tuple[int, int], ...]


@lru_cache(maxsize=8192)
def _word_phonemes(word: str, espeak_voice: str) -> str:
    return espeak.phonemes(word, espeak_voice)


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _marks(text: str, vocab: Mapping[str, int]) -> list[int]:
    """The vocabulary's tokens for a run of punctuation."""
    return [vocab[m] for m in (PUNCTUATION_MAP.get(c, c) for c in text) if m in vocab]


def tokenize(text: str, language: str, vocab: Mapping[str, int]) -> Tokens:
    """The tokens of a sentence with the first token of each word."""
    espeak_voice = get_language(language).espeak_voice
    ids: list[int] = []
    words: list[tuple[int, int]] = []
    index = 0
    for piece in text.split():
        start = text.index(piece, index)
        index = start + len(piece)
        lead = len(piece) - len(piece.lstrip("".join(c for c in piece if _is_punctuation(c))))
        core = piece[lead:].rstrip("".join(c for c in piece if _is_punctuation(c)))
        trail = piece[lead + len(core) :]
        if ids and SPACE in vocab:
            ids.append(vocab[SPACE])
        ids.extend(_marks(piece[:lead], vocab))
        spoken = (
            [vocab[c] for c in _word_phonemes(core, espeak_voice) if c in vocab] if core else []
        )
        if spoken:
            words.append((start + lead, len(ids)))
            ids.extend(spoken)
        ids.extend(_marks(trail, vocab))
    return Tokens(tuple(ids), tuple(words))


def style_table(model: KokoroModel, names: tuple[str, ...]) -> np.ndarray:
    """The style rows of one voice table, or the mean of several (a blend)."""
    missing = [name for name in names if name not in model.voices]
    if missing or not names:
        raise InputError(
            f"The Kokoro model has no voice {missing[0] if missing else ''!r}; "
            f"it has {sorted(model.voices)}."
        )
    tables = [model.voices[name] for name in names]
    blended: np.ndarray = np.mean(np.stack(tables), axis=0).astype(np.float32)
    return blended


def _chunks(tokens: Tokens) -> list[tuple[int, int]]:
    """(start, end) token ranges of at most MAX_TOKENS, cut before a word where needed."""
    starts = [first for _, first in tokens.words]
    ranges: list[tuple[int, int]] = []
    begin = 0
    total = len(tokens.ids)
    while total - begin > MAX_TOKENS:
        cuts = [s for s in starts if begin < s <= begin + MAX_TOKENS]
        end = cuts[-1] if cuts else begin + MAX_TOKENS
        ranges.append((begin, end))
        begin = end
    ranges.append((begin, total))
    return ranges


def _render(
    model: KokoroModel, tokens: Tokens, table: np.ndarray, speed: float
) -> tuple[AudioArray, list[int]]:
    """Audio of all tokens and the sample where each token starts."""
    pieces: list[np.ndarray] = []
    token_starts: list[int] = []
    offset = 0
    for begin, end in _chunks(tokens):
        ids = list(tokens.ids[begin:end])
        style = table[min(len(ids), len(table) - 1)]
        audio, frames = model.run(ids, style, speed)
        if frames is not None:
            ends = np.cumsum(frames) * SAMPLES_PER_FRAME
            starts = [int(ends[i]) for i in range(len(ids))]  # frames[0] is the leading pad
        else:
            starts = [round(len(audio) * (i + 1) / (len(ids) + 2)) for i in range(len(ids))]
        token_starts.extend(offset + s for s in starts)
        pieces.append(audio)
        offset += len(audio)
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32), token_starts


def _speak_at(
    model: KokoroModel, text: str, language: str, names: tuple[str, ...], speed: float
) -> SpokenText:
    tokens = tokenize(text, language, model.vocab)
    if not tokens.words:
        raise InputError(f"Nothing speakable in the sentence {text[:60]!r}.")
    audio, token_starts = _render(model, tokens, style_table(model, names), speed)
    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    if peak > 1e-8:
        audio *= np.float32(PEAK_LEVEL / peak)
    start, end = sound_bounds(audio, SAMPLE_RATE)
    last = max(0.0, (end - start) / SAMPLE_RATE)
    words: list[tuple[int, float]] = []
    previous = 0.0
    for char_index, first in tokens.words:
        seconds = min(last, max(previous, (token_starts[first] - start) / SAMPLE_RATE))
        words.append((char_index, seconds))
        previous = seconds
    return SpokenText(audio[start:end], SAMPLE_RATE, tuple(words))


_scales: dict[tuple[int, str, tuple[str, ...]], float] = {}


def length_ratio(model: KokoroModel, language: str, names: tuple[str, ...]) -> float:
    """How much longer a voice (its style tables) speaks at speed 1 than the fit-to-length
    estimate of espeak-ng at the calibration pace predicts; measured once per model,
    language and voice on the first sentence of the language's calibration passage."""
    code = get_language(language).code
    key = (id(model), code, names)
    if key not in _scales:
        passage = CALIBRATION_PASSAGES.get(code, CALIBRATION_PASSAGES["en"])
        text = passage.split(". ")[0].split("। ")[0]
        clip = _speak_at(model, text, code, names, 1.0)
        estimated = speech_estimate.speech_seconds(
            text, code, ESTIMATE_VOICE, speech_estimate.CALIBRATION_WORDS_PER_MINUTE
        )
        _scales[key] = (clip.audio.size / SAMPLE_RATE) / estimated
    return _scales[key]


def speed_for(words_per_minute: float, ratio: float) -> float:
    """Kokoro's speed that makes a voice with this length ratio take as long as espeak-ng at
    the requested pace (so the fit-to-length plan holds)."""
    if words_per_minute <= 0:
        raise InputError(
            f"The speaking rate must be positive, got {words_per_minute} words per minute."
        )
    pace = words_per_minute / speech_estimate.CALIBRATION_WORDS_PER_MINUTE
    speed = ratio * math.pow(pace, speech_estimate.RATE_EXPONENT)
    return float(min(MAX_SPEED, max(MIN_SPEED, speed)))


def speak_with(
    model: KokoroModel, text: str, language: str, names: tuple[str, ...], words_per_minute: float
) -> SpokenText:
    """One sentence with these style tables (blended when several) at a pace: trimmed mono
    audio at 24 kHz with its word starts."""
    ratio = length_ratio(model, language, names)
    return _speak_at(model, text, language, names, speed_for(words_per_minute, ratio))


def speak(
    model: KokoroModel, text: str, language: str, voice: str, words_per_minute: float
) -> SpokenText:
    """One sentence in a studio voice (male, female or neutral) at a pace."""
    check_voice(voice)
    return speak_with(model, text, language, voice_vectors(language, voice), words_per_minute)


def synthesize(
    model: KokoroModel,
    sentences: Sequence[Sentence],
    voice: str,
    language: str,
    words_per_minute: int,
    progress: ProgressCallback = no_progress,
) -> list[SpokenSentence]:
    """Narrate every sentence with Kokoro; same result type as pipeline.speech.tts.synthesize."""
    check_voice(voice)
    spoken: list[SpokenSentence] = []
    progress(STAGE, 0.0)
    for done, sentence in enumerate(sentences, start=1):
        clip = speak(model, sentence.text, language, voice, words_per_minute)
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
