"""How one shot gives way to the next, chosen from the script's structure.

The rule (one transition per cut between consecutive shots):

- **cut**: a hard cut between shots of the same scene when the change falls in a pause
  between sentences (a speaking character coming on, the next picture of the scene);
- **dissolve** (DISSOLVE_S): inside a scene when the change falls in the middle of a sentence
  (a scene's pictures are shared out over its narration, not at sentence ends);
- **scene** dissolve (SCENE_DISSOLVE_S): between two scenes;
- **dip** to black (DIP_S, half out, half in, the pictures do not overlap): at a big break,
  a scene that opens with a stage direction (``[Night falls.]``) or whose speaking characters
  are none of the previous scene's (another place, other people).

Each transition is a pure function of the two shots and the speech around the cut, so a
shot's frames can be drawn without drawing any other shot's (see shot_plan.plan_spans).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pipeline.types import Shot, SpeechSpan

TransitionKind = Literal["cut", "dissolve", "dip"]

DISSOLVE_S = 0.5
"""A dissolve between two pictures of one scene, changing while someone speaks."""
SCENE_DISSOLVE_S = 1.0
"""The dissolve from one scene to the next."""
DIP_S = 1.2
"""A dip to black at a big break: the old picture fades out, then the new one fades in."""
SPEECH_SLACK_S = 0.02
"""A cut this close to a sentence's start or end counts as falling in the pause."""


@dataclass(frozen=True)
class Transition:
    """How the picture changes at one cut: its kind and full length in seconds."""

    kind: TransitionKind
    length_s: float


CUT = Transition("cut", 0.0)


def choose_transitions(shots: Sequence[Shot], speech: Sequence[SpeechSpan]) -> list[Transition]:
    """One transition per cut (between shots k and k+1), by the rule in the module docstring."""
    speakers = _speakers_by_scene(speech)
    return [
        _transition(before, after, speech, speakers) for before, after in itertools.pairwise(shots)
    ]


def _transition(
    before: Shot, after: Shot, speech: Sequence[SpeechSpan], speakers: dict[int, set[str]]
) -> Transition:
    if before.scene_index != after.scene_index:
        if after.scene_break or _new_people(
            speakers.get(before.scene_index, set()), speakers.get(after.scene_index, set())
        ):
            return Transition("dip", DIP_S)
        return Transition("dissolve", SCENE_DISSOLVE_S)
    if _inside_speech(after.start_s, speech):
        return Transition("dissolve", DISSOLVE_S)
    return CUT


def _speakers_by_scene(speech: Sequence[SpeechSpan]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for span in speech:
        if span.sentence.speaker is not None:
            found.setdefault(span.sentence.scene_index, set()).add(span.sentence.speaker)
    return found


def _new_people(before: set[str], after: set[str]) -> bool:
    """Both scenes have speaking characters and none is in both."""
    return bool(before) and bool(after) and not before & after


def _inside_speech(time_s: float, speech: Sequence[SpeechSpan]) -> bool:
    return any(
        span.start_s + SPEECH_SLACK_S < time_s < span.end_s - SPEECH_SLACK_S for span in speech
    )


def dip_gain(offset: int, length: int, dip_in: int, dip_out: int) -> float:
    """The picture's brightness (1 full, 0 black) at frame `offset` of a shot `length` frames
    long that fades in from black over its first dip_in frames and out over its last dip_out."""
    gain = 1.0
    if dip_in > 0 and offset < dip_in:
        gain = min(gain, (offset + 0.5) / dip_in)
    from_end = length - 1 - offset
    if dip_out > 0 and from_end < dip_out:
        gain = min(gain, (from_end + 0.5) / dip_out)
    return max(0.0, gain)
