"""Fit narration to the requested length and lay the film out on a timeline.

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
from pathlib import Path

from pipeline import speech_model
from pipeline.errors import InputError, ScriptLengthError
from pipeline.languages import get_language
from pipeline.models import Script, Sentence, Shot, SpeechSpan, SpokenSentence, Timeline
from pipeline.scenes import parse_script
from pipeline.tts import (
    DEFAULT_WORDS_PER_MINUTE,
    MAX_WORDS_PER_MINUTE,
    MIN_WORDS_PER_MINUTE,
    check_voice,
)

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

SUGGESTION_MARGIN = 1.05
"""Headroom on the suggested number of minutes for the estimate's error."""

MIN_SHOT_S = 1.0
"""Shorter stretches of picture are merged into a neighbouring shot."""

SPEAKER_LEAD_S = 0.25
"""A speaking character's shot starts this long before their first word (and ends as long
after their last) when the silence around allows."""

TITLE_MAX_CHARS = 48
"""Longest title-card text taken from the opening words of a scene."""


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
        scale = math.pow(DEFAULT_WORDS_PER_MINUTE / words_per_minute, speech_model.RATE_EXPONENT)
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
    speech_frames = [math.ceil(clip.duration_s * fps - 1e-9) for clip in spoken]
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
    silences = _share_out(slots, silence_s)

    starts: list[int] = []
    elapsed_s = 0.0
    for index, frames in enumerate(speech_frames):
        elapsed_s += silences[index]
        start = round(elapsed_s * fps)
        if starts:
            start = max(start, starts[-1] + speech_frames[index - 1])
        starts.append(start)
        elapsed_s = (start + frames) / fps
    spans = tuple(
        SpeechSpan(
            sentence=clip.sentence,
            start_s=start / fps,
            end_s=start / fps + clip.duration_s,
            word_starts=clip.word_starts,
        )
        for clip, start in zip(spoken, starts, strict=True)
    )
    shots = _shots(script, starts, speech_frames, total_frames, fps)
    return Timeline(duration_s=total_frames / fps, speech=spans, shots=tuple(shots))


# --- estimate and pace ---------------------------------------------------------------------


def _estimate(text: str, language: str, voice: str) -> _Estimate:
    check_voice(voice)
    code = get_language(language).code
    script = parse_script(text, [], code)
    speech = sum(
        speech_model.speech_seconds(s.text, code, voice, DEFAULT_WORDS_PER_MINUTE)
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
    pace = DEFAULT_WORDS_PER_MINUTE * math.pow(ratio, 1 / speech_model.RATE_EXPONENT)
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
class _Slot:
    """One silence: before the narration, after a sentence, or at the end."""

    minimum: float
    preferred: float
    cap: float
    weight: float


def _silence_slots(sentences: Sequence[Sentence], spoken: Sequence[SpokenSentence]) -> list[_Slot]:
    slots = [_Slot(MIN_LEAD_IN_S, LEAD_IN_S, math.inf, LEAD_IN_WEIGHT)]
    for current, following in itertools.pairwise(spoken):
        if current.sentence.scene_index != following.sentence.scene_index:
            slots.append(_Slot(MIN_SCENE_GAP_S, SCENE_GAP_S, math.inf, SCENE_GAP_WEIGHT))
            continue
        preferred = max(SENTENCE_GAP_S, MIN_SENTENCE_SLOT_S - current.duration_s)
        cap = max(MAX_SENTENCE_GAP_S, preferred)
        slots.append(_Slot(MIN_SENTENCE_GAP_S, preferred, cap, SENTENCE_GAP_WEIGHT))
    slots.append(_Slot(MIN_TAIL_S, TAIL_S, math.inf, TAIL_WEIGHT))
    assert len(slots) == len(sentences) + 1
    return slots


def _share_out(slots: list[_Slot], silence_s: float) -> list[float]:
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


# --- shots ---------------------------------------------------------------------------------


def _shots(
    script: Script, starts: list[int], speech_frames: list[int], total_frames: int, fps: int
) -> list[Shot]:
    sentences = script.sentences
    ends = [start + frames for start, frames in zip(starts, speech_frames, strict=True)]
    first_of_scene: dict[int, int] = {}
    last_of_scene: dict[int, int] = {}
    for position, sentence in enumerate(sentences):
        first_of_scene.setdefault(sentence.scene_index, position)
        last_of_scene[sentence.scene_index] = position
    scene_order = [scene.index for scene in script.scenes]
    bounds = [0]
    for previous, following in itertools.pairwise(scene_order):
        hold_start = ends[last_of_scene[previous]]
        hold_end = starts[first_of_scene[following]]
        bounds.append(hold_start + (hold_end - hold_start) // 2)
    bounds.append(total_frames)

    shots: list[Shot] = []
    min_shot = max(1, round(MIN_SHOT_S * fps))
    for scene, scene_start, scene_end in zip(script.scenes, bounds, bounds[1:], strict=False):
        positions = range(first_of_scene[scene.index], last_of_scene[scene.index] + 1)
        speaking = _speaker_stretches(
            script, positions, starts, ends, scene_start, scene_end, round(SPEAKER_LEAD_S * fps)
        )
        stretches = _absorb_short_gaps(speaking, scene_start, scene_end, min_shot)
        title = _title(scene.sentences[0].text) if scene.sentences else None
        for first, last, speaker in stretches:
            if speaker is not None:
                image = script.character_image(speaker)
                shots.append(_shot(first, last, fps, scene.index, image, None, speaker))
        narration = [(first, last) for first, last, speaker in stretches if speaker is None]
        for first, last, image in _image_pieces(narration, scene.images, min_shot):
            shots.append(
                _shot(first, last, fps, scene.index, image, title if image is None else None)
            )
    shots.sort(key=lambda shot: shot.start_s)
    return shots


def _shot(
    first: int,
    last: int,
    fps: int,
    scene_index: int,
    image: Path | None,
    title: str | None,
    speaker: str | None = None,
) -> Shot:
    return Shot(first / fps, last / fps, scene_index, image, title, speaker)


def _speaker_stretches(
    script: Script,
    positions: range,
    starts: list[int],
    ends: list[int],
    scene_start: int,
    scene_end: int,
    lead: int,
) -> list[tuple[int, int, str]]:
    """(first frame, end frame, speaker) while characters with an image speak.

    A shot opens a little before the first word and closes a little after the last, taking
    at most half the silence shared with a neighbouring sentence.
    """
    sentences = script.sentences
    stretches: list[tuple[int, int, str]] = []
    for position in positions:
        speaker = sentences[position].speaker
        if speaker is None or script.character_image(speaker) is None:
            continue
        if position == positions.start:
            first = max(scene_start, starts[position] - lead)
        else:
            first = starts[position] - min(lead, (starts[position] - ends[position - 1]) // 2)
        if position + 1 == positions.stop:
            last = min(scene_end, ends[position] + lead)
        else:
            last = ends[position] + min(lead, (starts[position + 1] - ends[position]) // 2)
        continues = position > positions.start and sentences[position - 1].speaker == speaker
        if stretches and continues:
            stretches[-1] = (stretches[-1][0], last, speaker)
        else:
            stretches.append((first, last, speaker))
    return stretches


def _absorb_short_gaps(
    speaking: list[tuple[int, int, str]], scene_start: int, scene_end: int, min_shot: int
) -> list[tuple[int, int, str | None]]:
    """The scene cut into speaker and narration stretches; narration stretches shorter than a
    shot go to the neighbouring speaker shots."""
    stretches: list[tuple[int, int, str | None]] = []
    cursor = scene_start
    for speaking_first, speaking_last, name in speaking:
        if speaking_first > cursor:
            stretches.append((cursor, speaking_first, None))
        stretches.append((speaking_first, speaking_last, name))
        cursor = speaking_last
    if cursor < scene_end:
        stretches.append((cursor, scene_end, None))
    if not speaking:
        return stretches
    merged: list[tuple[int, int, str | None]] = []
    for index, (first, last, speaker) in enumerate(stretches):
        if speaker is not None or last - first >= min_shot:
            merged.append((first, last, speaker))
            continue
        has_before = bool(merged) and merged[-1][2] is not None
        has_after = index + 1 < len(stretches) and stretches[index + 1][2] is not None
        if has_before and has_after:
            middle = first + (last - first) // 2
            merged[-1] = (merged[-1][0], middle, merged[-1][2])
            stretches[index + 1] = (middle, *stretches[index + 1][1:])
        elif has_before:
            merged[-1] = (merged[-1][0], last, merged[-1][2])
        elif has_after:
            stretches[index + 1] = (first, *stretches[index + 1][1:])
        else:
            merged.append((first, last, speaker))
    return merged


def _image_pieces(
    narration: list[tuple[int, int]], images: tuple[Path, ...], min_shot: int
) -> list[tuple[int, int, Path | None]]:
    """Split the narration stretches between the scene's images, in order (None: title card)."""
    total = sum(last - first for first, last in narration)
    if total <= 0:
        return []
    if not images:
        return [(first, last, None) for first, last in narration]
    count = max(1, min(len(images), total // min_shot))
    cuts = [round(k * total / count) for k in range(count + 1)]
    pieces: list[tuple[int, int, Path | None]] = []
    offset = 0
    for first, last in narration:
        length = last - first
        stretch: list[tuple[int, int, Path | None]] = []
        for k in range(count):
            low = max(cuts[k], offset)
            high = min(cuts[k + 1], offset + length)
            if high > low:
                stretch.append((first + low - offset, first + high - offset, images[k]))
        offset += length
        pieces.extend(_merge_short(stretch, min_shot))
    return pieces


def _merge_short(
    pieces: list[tuple[int, int, Path | None]], min_shot: int
) -> list[tuple[int, int, Path | None]]:
    merged: list[tuple[int, int, Path | None]] = []
    for first, last, image in pieces:
        if merged and (last - first < min_shot or merged[-1][2] == image):
            merged[-1] = (merged[-1][0], last, merged[-1][2])
        elif merged and merged[-1][1] - merged[-1][0] < min_shot:
            merged[-1] = (merged[-1][0], last, image)
        else:
            merged.append((first, last, image))
    return merged


def _title(text: str) -> str:
    words: list[str] = []
    for word in text.split():
        if len(" ".join([*words, word])) > TITLE_MAX_CHARS:
            return " ".join(words) + "…" if words else word[:TITLE_MAX_CHARS] + "…"
        words.append(word)
    return " ".join(words)
