"""Fit narration to the requested length and lay the film out on a timeline.

The shots themselves are cut by pipeline.shot_list.

``check_fit`` works from text alone (fast, used by the API before any credit is spent): it
estimates the narration, picks a speaking pace within bounds and refuses scripts that cannot
fill the film. ``layout`` places the real speech: short gaps between sentences, music-only
holds spread between scenes, and the shots (scene images, speaking characters, title cards),
all on whole frames and exactly the requested length.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.errors import InputError, ScriptLengthError
from pipeline.languages import get_language
from pipeline.script.scenes import parse_script
from pipeline.shot_list import build_shots
from pipeline.speech import estimate as speech_estimate
from pipeline.speech.tts import (
    DEFAULT_WORDS_PER_MINUTE,
    MAX_WORDS_PER_MINUTE,
    MIN_WORDS_PER_MINUTE,
    check_voice,
)
from pipeline.types import Script, Sentence, SpeechSpan, SpokenSentence, Timeline

SECONDS_PER_MINUTE = 60.0

LEAD_IN_S = 1.0
SENTENCE_GAP_S = 0.4
SCENE_GAP_S = 1.5
TAIL_S = 1.5
"""The usual silences (music only) before, between and after the narration."""

MIN_LEAD_IN_S = 0.3
MIN_SENTENCE_GAP_S = 0.2
MIN_SCENE_GAP_S = 0.6
MIN_TAIL_S = 0.5
"""The shortest silences layout squeezes to when the speech only just fits."""

MAX_SENTENCE_GAP_S = 1.2
"""Sentence gaps stop growing here; the rest of the spare time goes to scene holds."""

MIN_SENTENCE_SLOT_S = 1.0
"""A sentence and the gap after it last at least this long when time allows, so a short line
keeps its subtitle on screen long enough (5/6 s plus the gap between cues)."""

LEAD_IN_WEIGHT = 1.0
SENTENCE_GAP_WEIGHT = 0.25
SCENE_GAP_WEIGHT = 2.0
TAIL_WEIGHT = 1.5
"""How spare time is shared out: mostly between scenes, some at the ends and between lines."""

MAX_COMFORTABLE_FILL = 0.9
MIN_COMFORTABLE_FILL = 0.6
"""Narration covering this share of the film keeps the default pace; outside it the pace
moves (within MIN/MAX_WORDS_PER_MINUTE) to reach the nearer bound."""

MIN_FILL = 0.5
"""Narration must cover at least this share of the film even at the slowest pace."""

PACE_KEEP_TOLERANCE_WPM = 8
"""An earlier render's pace is kept after an edit when the script still fills the film
comfortably at it, or when it is within this many words a minute of the new best pace."""

SUGGESTION_MARGIN = 1.05
"""Headroom on the suggested number of minutes for the estimate's error."""


@dataclass(frozen=True)
class FitPlan:
    """How a script fits a film: the pace to speak at and the narration it should give."""

    words_per_minute: int
    estimated_narration_s: float
    estimated_speech_s: float
    duration_s: float

    @property
    def fill(self) -> float:
        """Share of the film the narration (speech and its usual gaps) should cover."""
        return self.estimated_narration_s / self.duration_s


@dataclass(frozen=True)
class _Estimate:
    speech_at_default_s: float
    gaps_s: float
    word_count: int

    def narration_s(self, words_per_minute: int) -> float:
        return self.speech_s(words_per_minute) + self.gaps_s

    def speech_s(self, words_per_minute: int) -> float:
        scale = math.pow(DEFAULT_WORDS_PER_MINUTE / words_per_minute, speech_estimate.RATE_EXPONENT)
        return self.speech_at_default_s * scale


def estimate_narration_s(
    text: str,
    language: str,
    voice: str = "neutral",
    words_per_minute: int = DEFAULT_WORDS_PER_MINUTE,
) -> float:
    """Seconds of narration a script needs: its speech plus the usual gaps (no synthesis)."""
    return _estimate(text, language, voice).narration_s(words_per_minute)


def check_fit(text: str, duration_s: float, language: str, voice: str = "neutral") -> FitPlan:
    """Choose the pace that makes a script fill a film of duration_s seconds.

    Raises ScriptLengthError, with the numbers, when the narration would not fit even at the
    fastest pace or would cover under half the film even at the slowest.
    """
    if not duration_s > 0:
        raise InputError("The film length must be more than zero minutes.")
    estimate = _estimate(text, language, voice)
    fastest = estimate.narration_s(MAX_WORDS_PER_MINUTE)
    slowest = estimate.narration_s(MIN_WORDS_PER_MINUTE)
    if fastest > duration_s:
        at_least = math.ceil(fastest * SUGGESTION_MARGIN / SECONDS_PER_MINUTE)
        raise ScriptLengthError(
            f"The script needs about {_minutes(fastest)} of narration even at the fastest "
            f"pace, but {_minutes(duration_s)} {_were(duration_s)} requested; shorten it or "
            f"ask for at least {_count_minutes(at_least)}.",
            narration_s=fastest,
            requested_s=duration_s,
        )
    if slowest < MIN_FILL * duration_s:
        raise ScriptLengthError(
            _too_short_message(estimate, slowest, duration_s), slowest, duration_s
        )
    pace = _choose_pace(estimate, duration_s)
    return FitPlan(
        words_per_minute=pace,
        estimated_narration_s=estimate.narration_s(pace),
        estimated_speech_s=estimate.speech_s(pace),
        duration_s=duration_s,
    )


def keep_pace(
    plan: FitPlan, text: str, language: str, voice: str, words_per_minute: int | None
) -> FitPlan:
    """plan at the pace of an earlier render when the script still fits comfortably at it
    (so a scene whose text did not change is spoken the same); else plan unchanged."""
    if words_per_minute is None or words_per_minute == plan.words_per_minute:
        return plan
    if not MIN_WORDS_PER_MINUTE <= words_per_minute <= MAX_WORDS_PER_MINUTE:
        return plan
    estimate = _estimate(text, language, voice)
    narration_s = estimate.narration_s(words_per_minute)
    duration_s = plan.duration_s
    comfortable = (
        MIN_COMFORTABLE_FILL * duration_s <= narration_s <= MAX_COMFORTABLE_FILL * duration_s
    )
    if not comfortable and abs(words_per_minute - plan.words_per_minute) > PACE_KEEP_TOLERANCE_WPM:
        return plan
    if narration_s > duration_s or narration_s < MIN_FILL * duration_s:
        return plan
    return FitPlan(
        words_per_minute=words_per_minute,
        estimated_narration_s=narration_s,
        estimated_speech_s=estimate.speech_s(words_per_minute),
        duration_s=duration_s,
    )


def layout(
    script: Script, spoken: Sequence[SpokenSentence], duration_s: float, fps: int
) -> Timeline:
    """Place each sentence's speech and build the shots for a film of exactly duration_s.

    The length is rounded to whole frames. Raises ScriptLengthError when the speech does not
    fit even with the shortest gaps.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, not {fps}.")
    total_frames = round(duration_s * fps)
    if total_frames <= 0:
        raise InputError("The film length must be more than zero minutes.")
    sentences = script.sentences
    if [s.sentence.index for s in spoken] != [s.index for s in sentences]:
        raise ValueError("spoken must hold one clip for each sentence of the script, in order.")
    speech_frames = clip_frames(spoken, fps)
    slots = _silence_slots(sentences, spoken)
    silence_s = (total_frames - sum(speech_frames)) / fps
    needed_s = sum(speech_frames) / fps + sum(slot.minimum for slot in slots)
    if sum(slot.minimum for slot in slots) > silence_s:
        raise ScriptLengthError(
            f"The narration takes {_minutes(needed_s)} even with the shortest pauses, but the "
            f"film lasts {_minutes(total_frames / fps)}; shorten the script or ask for "
            f"at least {_count_minutes(math.ceil(needed_s / SECONDS_PER_MINUTE))}.",
            narration_s=needed_s,
            requested_s=total_frames / fps,
        )
    silences = share_out(slots, silence_s)

    starts = place_speech(speech_frames, silences, 0, fps)
    return timeline_from_starts(script, spoken, starts, speech_frames, total_frames, fps)


def place_speech(
    speech_frames: Sequence[int], silences: Sequence[float], first: int, fps: int
) -> list[int]:
    """Start frames of clips of speech_frames frames, each after its silence (seconds), from
    frame first on; a clip never starts before the previous one ends."""
    starts: list[int] = []
    elapsed_s = first / fps
    for index, frames in enumerate(speech_frames):
        elapsed_s += silences[index]
        start = round(elapsed_s * fps)
        if starts:
            start = max(start, starts[-1] + speech_frames[index - 1])
        starts.append(start)
        elapsed_s = (start + frames) / fps
    return starts


def timeline_from_starts(
    script: Script,
    spoken: Sequence[SpokenSentence],
    starts: list[int],
    speech_frames: list[int],
    total_frames: int,
    fps: int,
    bounds: list[int] | None = None,
) -> Timeline:
    """The Timeline with each clip at its start frame; bounds, when given, are the scenes'
    first frames (else they sit in the middle of the pauses between scenes)."""
    spans = tuple(
        SpeechSpan(
            sentence=clip.sentence,
            start_s=start / fps,
            end_s=start / fps + clip.duration_s,
            word_starts=clip.word_starts,
        )
        for clip, start in zip(spoken, starts, strict=True)
    )
    shots = build_shots(script, starts, speech_frames, total_frames, fps, bounds)
    return Timeline(duration_s=total_frames / fps, speech=spans, shots=tuple(shots))


def clip_frames(spoken: Sequence[SpokenSentence], fps: int) -> list[int]:
    """Whole frames each clip of speech covers."""
    return [math.ceil(clip.duration_s * fps - 1e-9) for clip in spoken]


# --- estimate and pace ---------------------------------------------------------------------


def _estimate(text: str, language: str, voice: str) -> _Estimate:
    check_voice(voice)
    code = get_language(language).code
    script = parse_script(text, [], code)
    speech = sum(
        speech_estimate.speech_seconds(s.text, code, voice, DEFAULT_WORDS_PER_MINUTE)
        for s in script.sentences
    )
    sentence_count = len(script.sentences)
    scene_gaps = len(script.scenes) - 1
    sentence_gaps = sentence_count - 1 - scene_gaps
    gaps = LEAD_IN_S + TAIL_S + scene_gaps * SCENE_GAP_S + sentence_gaps * SENTENCE_GAP_S
    words = sum(len(s.text.split()) for s in script.sentences)
    return _Estimate(speech, gaps, words)


def _choose_pace(estimate: _Estimate, duration_s: float) -> int:
    natural = estimate.narration_s(DEFAULT_WORDS_PER_MINUTE)
    if natural > MAX_COMFORTABLE_FILL * duration_s:
        target = MAX_COMFORTABLE_FILL * duration_s
    elif natural < MIN_COMFORTABLE_FILL * duration_s:
        target = MIN_COMFORTABLE_FILL * duration_s
    else:
        return DEFAULT_WORDS_PER_MINUTE
    speech_target = target - estimate.gaps_s
    if speech_target <= 0:
        return MAX_WORDS_PER_MINUTE
    ratio = estimate.speech_at_default_s / speech_target
    pace = DEFAULT_WORDS_PER_MINUTE * math.pow(ratio, 1 / speech_estimate.RATE_EXPONENT)
    return max(MIN_WORDS_PER_MINUTE, min(MAX_WORDS_PER_MINUTE, round(pace)))


def _too_short_message(estimate: _Estimate, slowest_s: float, duration_s: float) -> str:
    missing_s = MIN_FILL * duration_s - slowest_s
    per_word_s = estimate.speech_s(MIN_WORDS_PER_MINUTE) / max(1, estimate.word_count)
    more_words = math.ceil(missing_s / max(per_word_s, 1e-3))
    at_most = math.floor(slowest_s / MIN_FILL / SECONDS_PER_MINUTE)
    advice = f"add about {more_words} more words"
    if at_most >= 1:
        advice += f" or ask for at most {_count_minutes(at_most)}"
    return (
        f"The script gives only about {_minutes(slowest_s)} of narration even at the slowest "
        f"pace, under half of the {_minutes(duration_s)} requested; {advice}."
    )


def _minutes(seconds: float) -> str:
    if seconds < SECONDS_PER_MINUTE:
        whole = round(seconds)
        return f"{whole} second" if whole == 1 else f"{whole} seconds"
    value = f"{seconds / SECONDS_PER_MINUTE:.1f}".removesuffix(".0")
    return "1 minute" if value == "1" else f"{value} minutes"


def _count_minutes(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _were(seconds: float) -> str:
    return "was" if _minutes(seconds) in ("1 minute", "1 second") else "were"


# --- silences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One silence: before the narration, after a sentence, or at the end."""

    minimum: float
    preferred: float
    cap: float
    weight: float


def _silence_slots(sentences: Sequence[Sentence], spoken: Sequence[SpokenSentence]) -> list[Slot]:
    slots = [Slot(MIN_LEAD_IN_S, LEAD_IN_S, math.inf, LEAD_IN_WEIGHT)]
    for current, following in itertools.pairwise(spoken):
        if current.sentence.scene_index != following.sentence.scene_index:
            slots.append(Slot(MIN_SCENE_GAP_S, SCENE_GAP_S, math.inf, SCENE_GAP_WEIGHT))
            continue
        preferred = max(SENTENCE_GAP_S, MIN_SENTENCE_SLOT_S - current.duration_s)
        cap = max(MAX_SENTENCE_GAP_S, preferred)
        slots.append(Slot(MIN_SENTENCE_GAP_S, preferred, cap, SENTENCE_GAP_WEIGHT))
    slots.append(Slot(MIN_TAIL_S, TAIL_S, math.inf, TAIL_WEIGHT))
    assert len(slots) == len(sentences) + 1
    return slots


def share_out(slots: list[Slot], silence_s: float) -> list[float]:
    """Lengths of the silences: minimums, then toward preferred, then by weight up to caps."""
    lengths = [slot.minimum for slot in slots]
    spare = silence_s - sum(lengths)
    wanted = [slot.preferred - slot.minimum for slot in slots]
    if spare <= sum(wanted):
        share = spare / sum(wanted) if sum(wanted) > 0 else 0.0
        return [length + want * share for length, want in zip(lengths, wanted, strict=True)]
    lengths = [slot.preferred for slot in slots]
    spare -= sum(wanted)
    open_slots = [i for i, slot in enumerate(slots) if lengths[i] < slot.cap]
    while spare > 1e-9 and open_slots:
        total_weight = sum(slots[i].weight for i in open_slots)
        given = 0.0
        for i in open_slots:
            extra = min(spare * slots[i].weight / total_weight, slots[i].cap - lengths[i])
            lengths[i] += extra
            given += extra
        spare -= given
        open_slots = [i for i in open_slots if lengths[i] < slots[i].cap - 1e-9]
    return lengths
