"""The publishing checks on their own: each rule passes and fails with a readable reason."""

from __future__ import annotations

from app.quality.checks import duration_check, loudness_checks, subtitle_problems, subtitles_check
from pipeline.types import Cue


def test_duration_within_two_percent() -> None:
    assert duration_check(60.9, 60.0).passed
    late = duration_check(62.0, 60.0)
    assert not late.passed and "62.0 s" in late.reason and "60 s" in late.reason


def test_loudness_and_true_peak() -> None:
    loud, peak = loudness_checks(-14.3, -1.5)
    assert loud.passed and peak.passed
    loud, peak = loudness_checks(-18.0, -0.2)
    assert not loud.passed and "-18.0 LUFS" in loud.reason
    assert not peak.passed and "-0.2 dBTP" in peak.reason


def test_subtitle_rules() -> None:
    good = [Cue(0.0, 2.0, ("Hello there.",)), Cue(2.2, 4.0, ("Good night.",))]
    assert subtitle_problems(good, 30, 10.0) == []
    bad = [
        Cue(0.0, 8.0, ("x" * 50, "two", "three")),
        Cue(8.01, 9.0, ("close",)),
        Cue(9.5, 12.0, ("late",)),
    ]
    problems = subtitle_problems(bad, 30, 10.0)
    assert any("3 lines" in p for p in problems)
    assert any("50-character line" in p for p in problems)
    assert any("lasts 8.00 s" in p for p in problems)
    assert any("frames before the next" in p for p in problems)
    assert any("outside the film" in p for p in problems)
    assert not subtitles_check(None, 30, 10.0).passed
    assert not subtitles_check("", 30, 10.0).passed
