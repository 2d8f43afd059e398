"""Tests for pipeline.subtitles: every subtitle rule of DESIGN.md, on real speech timings."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from pipeline.script.scenes import parse_script
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech.tts import synthesize
from pipeline.subtitles import (
    MAX_CHARS_PER_S,
    break_lines,
    build_cues,
    check_cues,
    display_width,
    parse_cues,
    to_srt,
    to_vtt,
)
from pipeline.timing import check_fit, layout
from pipeline.types import Cue, Sentence, SpeechSpan, Timeline

FPS = 30
FRAME = 1 / FPS

SCREENPLAY = """The storm came in from the sea at night.

RAVI: Mother? Are you awake?
MAA: Yes. Go back to sleep, my child, the wind cannot come inside our house tonight.
RAVI: No.
MAA: Why not?
RAVI: Because the sea is wide, and the night is long, and the waves are loud, and father is still out on the water with the boat and the nets.

By morning, the storm had passed."""

HINDI = CALIBRATION_PASSAGES["hi"].replace("। ", "।\n\n", 2) + (
    "\n\nरवि: माँ, तुम कहाँ हो?\nमाँ: मैं रसोई में हूँ, बेटा। आओ, खाना तैयार है।"
)


def _render_timeline(text: str, language: str, images: list[Path]) -> Timeline:
    script = parse_script(text, images, language)
    narration = check_fit(text, 60, language).estimated_narration_s
    duration = math.ceil(narration / 0.8)
    plan = check_fit(text, duration, language)
    spoken = synthesize(script.sentences, "female", language, plan.words_per_minute)
    return layout(script, spoken, duration, FPS)


def _assert_every_rule(cues: list[Cue], timeline: Timeline) -> None:
    assert cues
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(0 < display_width(line) <= 42 for line in cue.lines)
        length = cue.end_s - cue.start_s
        assert 5 / 6 - 1e-9 <= length <= 7 + 1e-9
        assert cue.start_s * FPS == pytest.approx(round(cue.start_s * FPS), abs=1e-6)
        assert cue.start_s >= 0
        assert cue.end_s <= timeline.duration_s
    for cue, following in itertools.pairwise(cues):
        assert following.start_s - cue.end_s >= 2 * FRAME - 1e-9
        width = sum(display_width(line) for line in cue.lines) + len(cue.lines) - 1
        could_stay_longer = cue.end_s < min(cue.start_s + 7, following.start_s - 2 * FRAME) - 1e-9
        if could_stay_longer:
            assert width / (cue.end_s - cue.start_s) <= MAX_CHARS_PER_S + 0.05
    # Each sentence's first cue starts within 3 frames of its first word.
    cue_starts = [cue.start_s for cue in cues]
    for span in timeline.speech:
        nearest = min(abs(start - span.start_s) for start in cue_starts)
        merged_into_previous = any(
            cue.start_s < span.start_s < cue.end_s
            and span.sentence.text.split()[0] in " ".join(cue.lines)
            for cue in cues
        )
        assert nearest <= 3 * FRAME + 1e-9 or merged_into_previous
    spoken_words = " ".join(span.sentence.text for span in timeline.speech).split()
    assert " ".join(line for cue in cues for line in cue.lines).split() == spoken_words
    assert check_cues(cues, timeline.speech, FPS, timeline.duration_s) == []


def test_screenplay_film_subtitles_meet_every_rule() -> None:
    timeline = _render_timeline(SCREENPLAY, "en", [Path("ravi.png"), Path("maa.png")])
    cues = build_cues(timeline.speech, FPS, timeline.duration_s)
    _assert_every_rule(cues, timeline)
    # The long last line of dialogue is spread over several cues, split at word starts.
    long_line = next(s for s in timeline.speech if s.sentence.text.startswith("Because"))
    inside = [cue for cue in cues if long_line.start_s - FRAME <= cue.start_s < long_line.end_s]
    assert len(inside) >= 2
    word_times = {long_line.start_s + seconds for _, seconds in long_line.word_starts}
    for cue in inside:
        assert min(abs(cue.start_s - t) for t in word_times) <= 0.5 * FRAME + 1e-9


def test_hindi_film_subtitles_meet_every_rule() -> None:
    timeline = _render_timeline(HINDI, "hi", [Path("रवि.png")])
    cues = build_cues(timeline.speech, FPS, timeline.duration_s)
    _assert_every_rule(cues, timeline)
    assert any("।" in line for cue in cues for line in cue.lines)


def _span(text: str, start: float, end: float, index: int = 0) -> SpeechSpan:
    return SpeechSpan(Sentence(index, 0, text), start, end)


def test_a_short_line_shares_a_cue_when_it_cannot_stay_up_alone() -> None:
    speech = [_span("No.", 1.0, 1.3), _span("Then he walked away.", 1.6, 3.0, 1)]
    cues = build_cues(speech, FPS)
    assert [cue.lines for cue in cues] == [("No. Then he walked away.",)]
    assert check_cues(cues, speech, FPS) == []


def test_fast_speech_keeps_its_cue_up_long_enough_to_read_when_there_is_room() -> None:
    text = "Quickly now, everyone into the boats before the tide turns."
    speech = [_span(text, 0.0, 2.0), _span("Later.", 8.0, 8.6, 1)]
    cues = build_cues(speech, FPS)
    first = cues[0]
    assert (first.end_s - first.start_s) >= len(text) / MAX_CHARS_PER_S - 1e-9
    assert check_cues(cues, speech, FPS) == []


def test_the_last_cue_stays_inside_the_film() -> None:
    speech = [_span("The end.", 9.5, 9.8)]
    cues = build_cues(speech, FPS, duration_s=10.4)
    assert cues[0].end_s <= 10.4
    assert cues[0].end_s - cues[0].start_s >= 5 / 6 - 1e-9


def test_display_width_counts_what_takes_space_on_screen() -> None:
    assert display_width("river") == 5
    assert display_width("e\u0301te\u0301") == 3  # combining accents take no cell
    assert display_width("日本") == 4  # wide characters take two
    assert display_width("नमस्ते") < len("नमस्ते")  # virama and upper vowel sign take none
    assert display_width("வணக்கம்") < len("வணக்கம்")


def test_lines_break_at_spaces_into_two_balanced_lines() -> None:
    lines = break_lines("The old ferryman rowed slowly across the quiet river at dawn.")
    assert lines is not None
    assert len(lines) == 2
    assert all(display_width(line) <= 42 for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 12
    assert break_lines("Short line.") == ("Short line.",)
    assert break_lines("word " * 30) is None
    assert break_lines("Yes, we went down to the river and the boats, and then home.") == (
        "Yes, we went down to the river",
        "and the boats, and then home.",
    )
    hindi = break_lines("बूढ़ा मल्लाह सुबह शांत नदी के पार धीरे धीरे नाव चलाता था।")
    assert hindi is not None
    assert " ".join(hindi) == "बूढ़ा मल्लाह सुबह शांत नदी के पार धीरे धीरे नाव चलाता था।"


def test_check_cues_reports_each_broken_rule() -> None:
    speech = [_span("One two three four.", 1.0, 2.5), _span("Five six.", 4.0, 5.0, 1)]
    good = [Cue(1.0, 2.5, ("One two three four.",)), Cue(4.0, 5.0, ("Five six.",))]
    assert check_cues(good, speech, FPS) == []
    cases = {
        "over 42": [Cue(1.0, 2.5, ("One two three four." + " x" * 20,)), good[1]],
        "lines": [Cue(1.0, 2.5, ("One", "two", "three four.")), good[1]],
        "under 0.833": [Cue(1.0, 1.5, ("One two three four.",)), good[1]],
        "over 7": [Cue(1.0, 8.5, ("One two three four.",)), Cue(8.6, 9.5, ("Five six.",))],
        "frames before the next": [Cue(1.0, 3.99, ("One two three four.",)), good[1]],
        "frames from its speech": [Cue(1.2, 2.5, ("One two three four.",)), good[1]],
        "does not carry": [Cue(1.0, 2.5, ("One two four.",)), good[1]],
        "leave out": [good[0]],
        "characters a second": [
            Cue(1.0, 1.9, ("One two three four.",)),
            Cue(4.0, 5.0, ("Five six.",)),
        ],
    }
    for expected, cues in cases.items():
        problems = check_cues(cues, speech, FPS)
        assert any(expected in problem for problem in problems), (expected, problems)


def test_srt_and_vtt_documents() -> None:
    cues = [
        Cue(1.0, 3.5, ("Salt & pepper <b>", "second line")),
        Cue(3661.25, 3663.0, ("An hour later.",)),
    ]
    srt = to_srt(cues)
    assert srt == (
        "1\n00:00:01,000 --> 00:00:03,500\nSalt & pepper <b>\nsecond line\n\n"
        "2\n01:01:01,250 --> 01:01:03,000\nAn hour later.\n"
    )
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n")
    assert "Salt &amp; pepper &lt;b&gt;" in vtt
    assert parse_cues(srt) == cues
    assert parse_cues(vtt) == cues
