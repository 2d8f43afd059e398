"""Captions the way short-form viewers expect: a few words at a time, the spoken word lit.

The narration's words (with the times the TTS gave, SpeechSpan.word_starts) are grouped one
to three at a time, and each group becomes one line of an ASS subtitle file with karaoke
timings ({\\k} per word), which ffmpeg's `ass` filter (libass, HarfBuzz shaping) draws onto
the frames on their way into the encoder. A word turns from white to the highlight colour
when it is spoken and stays lit until its group leaves. The type is large and bold with a
dark outline, centred low in the frame but above the bottom band that a phone's Shorts,
Reels or TikTok interface covers (the 9:16 title-safe area). Each group's font follows its
script (pipeline.picture.fonts); the font files are put beside the ASS file for libass.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.picture.fonts import family_name, font_file_for
from pipeline.types import SpeechSpan

MAX_WORDS = 3
"""Words shown at once at most."""
MAX_GROUP_CHARS = 14
"""Characters a group may hold (a longer single word stands alone)."""
PAUSE_BREAK_S = 0.5
"""A silence this long between two words starts a new group."""
HOLD_S = 0.4
"""How long a group stays after its last word ends (unless the next group comes sooner)."""
FONT_SHARE = 0.1
"""Type size as a share of the frame's shorter side (108 px on a 1080x1920 short)."""
OUTLINE_SHARE = 0.09
"""Outline width as a share of the type size."""
SIDE_MARGIN_SHARE = 0.08
"""Left and right margins as a share of the frame width."""
PORTRAIT_BOTTOM_SHARE = 0.30
"""Bottom margin of a portrait (9:16) frame: above the interface's bottom band."""
LANDSCAPE_BOTTOM_SHARE = 0.12
"""Bottom margin of a landscape or square frame."""
HIGHLIGHT = "&H0000D4FF"
"""The spoken word's colour (#FFD400, written as ASS's &HAABBGGRR)."""
UNSPOKEN = "&H00FFFFFF"
"""Words not yet spoken (white)."""
OUTLINE = "&H00000000"
SHADOW = "&H80000000"
ASS_NAME = "captions.ass"
FONTS_FOLDER = "fonts"
STYLE_NAME = "Shorts"
_BREAK_AFTER = (".", ",", "!", "?", ";", ":", "।", "॥", "—")


@dataclass(frozen=True)
class CaptionWord:
    """One spoken word and when it is spoken (film seconds)."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class CaptionGroup:
    """Words shown together, from start_s to end_s."""

    words: tuple[CaptionWord, ...]
    start_s: float
    end_s: float

    @property
    def text(self) -> str:
        """The group's words, space-separated."""
        return " ".join(word.text for word in self.words)


def spoken_words(span: SpeechSpan) -> list[CaptionWord]:
    """A sentence's words with their spoken times: the TTS's where known, else interpolated
    by character position between the known ones; never running backwards."""
    text = span.sentence.text
    duration = max(0.0, span.end_s - span.start_s)
    known = dict(span.word_starts)
    anchors = sorted({0: 0.0, **known, len(text): duration}.items())
    matches = list(re.finditer(r"\S+", text))
    starts: list[float] = []
    for match in matches:
        offset = match.start()
        estimate = float(np.interp(offset, [a for a, _ in anchors], [t for _, t in anchors]))
        time = span.start_s + known.get(offset, estimate)
        starts.append(max(time, starts[-1] if starts else span.start_s))
    ends = [*starts[1:], span.end_s]
    return [
        CaptionWord(match.group(), start, max(start, end))
        for match, start, end in zip(matches, starts, ends, strict=True)
    ]


def group_words(speech: Sequence[SpeechSpan]) -> list[CaptionGroup]:
    """The narration's words in groups of one to three, each shown until the next group."""
    groups: list[list[CaptionWord]] = []
    for span in speech:
        current: list[CaptionWord] = []
        for word in spoken_words(span):
            chars = len(" ".join(w.text for w in [*current, word]))
            pause = current and word.start_s - current[-1].end_s >= PAUSE_BREAK_S
            if current and (len(current) >= MAX_WORDS or chars > MAX_GROUP_CHARS or pause):
                groups.append(current)
                current = []
            current.append(word)
            if word.text.endswith(_BREAK_AFTER):
                groups.append(current)
                current = []
        if current:
            groups.append(current)
    result: list[CaptionGroup] = []
    for index, words in enumerate(groups):
        end = words[-1].end_s + HOLD_S
        if index + 1 < len(groups):
            end = min(end, groups[index + 1][0].start_s)
        result.append(CaptionGroup(tuple(words), words[0].start_s, max(end, words[-1].start_s)))
    return result


def _centiseconds(seconds: float) -> int:
    return max(0, round(seconds * 100))


def _clock(centiseconds: int) -> str:
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, cs = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{whole:02d}.{cs:02d}"


def _safe(text: str) -> str:
    """Text with the characters ASS would read as override codes made harmless."""
    return text.replace("\\", "\u29f5").replace("{", "(").replace("}", ")")


def karaoke_line(group: CaptionGroup) -> tuple[int, int, str]:
    """(start, end, text) of a group's Dialogue line, in centiseconds: each word carries
    {\\kN} where N runs to the next word's start, so word i lights at its own start."""
    start = _centiseconds(group.start_s)
    end = max(start + 1, _centiseconds(group.end_s))
    parts: list[str] = []
    for index, word in enumerate(group.words):
        following = group.words[index + 1].start_s if index + 1 < len(group.words) else None
        next_cs = _centiseconds(following) if following is not None else end
        length = max(0, next_cs - max(start, _centiseconds(word.start_s)))
        parts.append(f"{{\\k{length}}}{_safe(word.text)}")
    return start, end, " ".join(parts)


def to_ass(groups: Sequence[CaptionGroup], width: int, height: int) -> str:
    """The caption groups as an ASS document for a width x height film."""
    size = round(FONT_SHARE * min(width, height))
    outline = max(1.0, round(OUTLINE_SHARE * size, 1))
    side = round(SIDE_MARGIN_SHARE * width)
    share = PORTRAIT_BOTTOM_SHARE if height > width else LANDSCAPE_BOTTOM_SHARE
    bottom = round(share * height)
    default_family = family_name(font_file_for("a"))
    lines = [
        "[Script Info]",
        "ScriptType: v4.00+",
        f"PlayResX: {width}",
        f"PlayResY: {height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes",
        "YCbCr Matrix: TV.709",
        "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: {STYLE_NAME},{default_family},{size},{HIGHLIGHT},{UNSPOKEN},{OUTLINE},"
        f"{SHADOW},-1,0,0,0,100,100,0,0,1,{outline:g},{max(1, size // 24)},2,"
        f"{side},{side},{bottom},1",
        "",
        "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    for group in groups:
        start, end, text = karaoke_line(group)
        family = family_name(font_file_for(group.text))
        override = "" if family == default_family else f"{{\\fn{family}}}"
        lines.append(
            f"Dialogue: 0,{_clock(start)},{_clock(end)},{STYLE_NAME},,0,0,0,,{override}{text}"
        )
    return "\n".join(lines) + "\n"


def write_captions(speech: Sequence[SpeechSpan], width: int, height: int, folder: Path) -> Path:
    """Write captions.ass and the fonts it names into folder; returns the ASS file's path."""
    groups = group_words(speech)
    fonts = folder / FONTS_FOLDER
    fonts.mkdir(parents=True, exist_ok=True)
    for path in {font_file_for("a"), *(font_file_for(group.text) for group in groups)}:
        shutil.copyfile(path, fonts / path.name)
    ass = folder / ASS_NAME
    ass.write_text(to_ass(groups, width, height), encoding="utf-8")
    return ass
