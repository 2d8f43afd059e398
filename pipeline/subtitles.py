"""Subtitles from the known speech timings, written as SRT and WebVTT.

The rules (shared/DESIGN.md): at most 42 characters a line and 2 lines a cue, each cue on
screen 5/6 s to 7 s, at most 17 characters a second where the pace allows, at least 2 frames
between cues, and each cue starting within 3 frames of its speech. A long sentence becomes
several cues split at word starts (espeak's word timings when known); a short sentence that
could not stay up long enough on its own shares a cue with the next one.

Characters are counted as they take space on screen: combining marks that sit on a letter
(Devanagari and Tamil vowel signs above or below, viramas) and joiners count 0, wide East
Asian characters 2, everything else 1.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.types import Cue, SpeechSpan

MAX_LINE_CHARS = 42
MAX_LINES = 2
MIN_CUE_S = 5 / 6
MAX_CUE_S = 7.0
MAX_CHARS_PER_S = 17.0
MIN_GAP_FRAMES = 2
MAX_START_OFFSET_FRAMES = 3
"""The subtitle rules of the output contract."""

TIME_TOLERANCE_S = 0.001
"""Slack when checking times: SRT and WebVTT keep whole milliseconds."""

TARGET_CUE_S = 6.0
"""A long sentence is cut so that each cue's speech lasts about this long at most."""

_PAUSE_ENDINGS = (",", ";", ":", "—", "–", "،", "、", "，", "；")
_SENTENCE_ENDINGS = (".", "!", "?", "।", "॥", "…")


@dataclass(frozen=True)
class _Token:
    """A word (or a slice of an overlong one) with the moment it is spoken."""

    text: str
    time_s: float
    glued: bool = False  # no space before it (a slice of a word too long for a line)


@dataclass
class _Piece:
    """Words that will share a cue, with their speech times."""

    tokens: list[_Token]
    speech_end_s: float  # when the last of these words has been spoken
    sentence_end: bool  # whether the piece ends its sentence

    @property
    def start_s(self) -> float:
        return self.tokens[0].time_s


def display_width(text: str) -> int:
    """How many character cells a text takes on screen (see the module notes)."""
    width = 0
    for char in text:
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def break_lines(text: str) -> tuple[str, ...] | None:
    """Lay a text out in at most two lines of at most 42 characters, breaking at spaces.

    Prefers balanced lines, a break after punctuation, and a longer bottom line. None when
    the text cannot fit.
    """
    words = text.split()
    return _break_tokens([_Token(word, 0.0) for word in words])


def build_cues(
    speech: Sequence[SpeechSpan], fps: int, duration_s: float | None = None
) -> list[Cue]:
    """Subtitle cues for the spoken sentences, meeting every rule in the module notes.

    duration_s, the film's length, keeps the last cue inside the film.
    """
    pieces: list[_Piece] = []
    for span in speech:
        pieces.extend(_sentence_pieces(span))
    pieces = _merge_short_pieces(pieces, fps, duration_s)
    starts = [round(piece.start_s * fps) for piece in pieces]
    end_limit = math.floor(duration_s * fps + 1e-6) if duration_s is not None else None
    cues: list[Cue] = []
    for index, piece in enumerate(pieces):
        start = starts[index]
        next_start = starts[index + 1] if index + 1 < len(pieces) else None
        end = start + _wanted_frames(piece, start, fps)
        if next_start is not None:
            end = min(end, next_start - MIN_GAP_FRAMES)
        if end_limit is not None:
            end = min(end, end_limit)
        lines = _break_tokens(piece.tokens)
        assert lines is not None  # pieces are built to fit
        cues.append(Cue(start_s=start / fps, end_s=end / fps, lines=lines))
    return cues


def check_cues(
    cues: Sequence[Cue],
    speech: Sequence[SpeechSpan],
    fps: int,
    duration_s: float | None = None,
) -> list[str]:
    """Every broken rule, one readable sentence each; an empty list means all rules hold.

    Checks line length and count, cue duration, reading speed (where the cue could have
    stayed longer), gaps, the start against the speech, and that the cues carry exactly the
    spoken words in order.
    """
    problems: list[str] = []
    frame = 1 / fps
    for number, cue in enumerate(cues, start=1):
        label = f"Cue {number} ({_clock(cue.start_s, ',')})"
        problems.extend(_line_problems(label, cue))
        length = cue.end_s - cue.start_s
        if length < MIN_CUE_S - TIME_TOLERANCE_S:
            problems.append(f"{label} lasts {length:.3f} s, under {MIN_CUE_S:.3f} s.")
        if length > MAX_CUE_S + TIME_TOLERANCE_S:
            problems.append(f"{label} lasts {length:.3f} s, over {MAX_CUE_S:.0f} s.")
        following = cues[number] if number < len(cues) else None
        if following is not None:
            gap = following.start_s - cue.end_s
            if gap < MIN_GAP_FRAMES * frame - TIME_TOLERANCE_S:
                problems.append(f"{label} ends {gap * fps:.1f} frames before the next cue.")
        if cue.start_s < -TIME_TOLERANCE_S or (
            duration_s is not None and cue.end_s > duration_s + TIME_TOLERANCE_S
        ):
            problems.append(f"{label} lies outside the film.")
        width = sum(display_width(line) for line in cue.lines) + len(cue.lines) - 1
        rate = width / length if length > 0 else math.inf
        if rate > MAX_CHARS_PER_S + 0.05:
            limits = [cue.start_s + MAX_CUE_S]
            if following is not None:
                limits.append(following.start_s - MIN_GAP_FRAMES * frame)
            if duration_s is not None:
                limits.append(duration_s)
            if cue.end_s < min(limits) - frame - TIME_TOLERANCE_S:
                problems.append(
                    f"{label} asks for {rate:.1f} characters a second but could stay longer."
                )
    problems.extend(_speech_problems(cues, speech, fps))
    return problems


def to_srt(cues: Sequence[Cue]) -> str:
    """The cues as a SubRip (.srt) document."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        times = f"{_clock(cue.start_s, ',')} --> {_clock(cue.end_s, ',')}"
        text = "\n".join(_safe_line(line) for line in cue.lines)
        blocks.append(f"{number}\n{times}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(cues: Sequence[Cue]) -> str:
    """The cues as a WebVTT (.vtt) document."""
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        times = f"{_clock(cue.start_s, '.')} --> {_clock(cue.end_s, '.')}"
        text = "\n".join(_escape_vtt(_safe_line(line)) for line in cue.lines)
        blocks.append(f"{number}\n{times}\n{text}\n")
    return "\n".join(blocks)


_TIMING_LINE = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{3}) --> (\d+):(\d{2}):(\d{2})[,.](\d{3})")


def parse_cues(document: str) -> list[Cue]:
    """Read the cues back from an SRT or WebVTT document written by to_srt / to_vtt."""
    cues: list[Cue] = []
    is_vtt = document.lstrip("\ufeff \n").startswith("WEBVTT")
    for block in re.split(r"\n\s*\n", document.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for index, line in enumerate(lines):
            match = _TIMING_LINE.match(line.strip())
            if match is None:
                continue
            numbers = [int(value) for value in match.groups()]
            start = numbers[0] * 3600 + numbers[1] * 60 + numbers[2] + numbers[3] / 1000
            end = numbers[4] * 3600 + numbers[5] * 60 + numbers[6] + numbers[7] / 1000
            text = tuple(
                _unescape_vtt(text_line) if is_vtt else text_line
                for text_line in lines[index + 1 :]
            )
            cues.append(Cue(start_s=start, end_s=end, lines=text))
            break
    return cues


# --- pieces --------------------------------------------------------------------------------


def _sentence_pieces(span: SpeechSpan) -> list[_Piece]:
    tokens = _tokens(span)
    if not tokens:
        return []
    count = 1
    while True:
        pieces = _split_balanced(tokens, count, span.end_s)
        if all(_fits(piece) for piece in pieces) or count >= len(tokens):
            return pieces
        count += 1


def _fits(piece: _Piece) -> bool:
    speech = piece.speech_end_s - piece.start_s
    return _break_tokens(piece.tokens) is not None and speech <= TARGET_CUE_S


def _tokens(span: SpeechSpan) -> list[_Token]:
    """The sentence's words with their spoken times; overlong words sliced to fit a line."""
    text = span.sentence.text
    duration = max(0.0, span.end_s - span.start_s)
    known = dict(span.word_starts)
    tokens: list[_Token] = []
    for match in re.finditer(r"\S+", text):
        offset = match.start()
        if offset in known:
            time = span.start_s + known[offset]
        else:
            time = span.start_s + duration * offset / max(1, len(text))
        tokens.extend(_slices(match.group(), time))
    # Times must not run backwards (estimates between known words may).
    ordered: list[_Token] = []
    for token in tokens:
        floor = ordered[-1].time_s if ordered else span.start_s
        ordered.append(_Token(token.text, max(floor, token.time_s), token.glued))
    return ordered


def _slices(word: str, time: float) -> list[_Token]:
    if display_width(word) <= MAX_LINE_CHARS:
        return [_Token(word, time)]
    slices: list[_Token] = []
    current = ""
    for char in word:
        if display_width(current + char) > MAX_LINE_CHARS:
            slices.append(_Token(current, time, glued=bool(slices)))
            current = ""
        current += char
    slices.append(_Token(current, time, glued=True))
    return slices


def _split_balanced(tokens: list[_Token], count: int, end_s: float) -> list[_Piece]:
    """Cut the words into count pieces of similar width, preferring cuts after punctuation."""
    widths = [display_width(token.text) + (0 if token.glued else 1) for token in tokens]
    total = sum(widths)
    cuts: list[int] = []
    position = 0
    running = 0
    for k in range(1, count):
        target = total * k / count
        best: tuple[float, int] | None = None
        cumulative = running
        for index in range(position + 1, len(tokens) - (count - k) + 1):
            cumulative += widths[index - 1]
            score = abs(cumulative - target)
            if tokens[index - 1].text.endswith(_PAUSE_ENDINGS + _SENTENCE_ENDINGS):
                score -= 0.15 * total / count
            if tokens[index].glued:
                score += total  # never cut between slices of one word unless forced
            if best is None or score < best[0]:
                best = (score, index)
        assert best is not None
        cuts.append(best[1])
        running = sum(widths[: best[1]])
        position = best[1]
    bounds = [0, *cuts, len(tokens)]
    pieces: list[_Piece] = []
    for first, last in itertools.pairwise(bounds):
        chunk = tokens[first:last]
        speech_end = tokens[last].time_s if last < len(tokens) else end_s
        pieces.append(_Piece(chunk, speech_end, sentence_end=last == len(tokens)))
    return pieces


def _merge_short_pieces(pieces: list[_Piece], fps: int, duration_s: float | None) -> list[_Piece]:
    """Join a sentence's last piece to the next sentence when it could not stay up long
    enough (or be read at 17 characters a second) on its own and the two fit one cue."""
    merged = list(pieces)
    index = 0
    while index + 1 < len(merged):
        piece, following = merged[index], merged[index + 1]
        room = following.start_s - piece.start_s - MIN_GAP_FRAMES / fps
        width = _tokens_width(piece.tokens)
        needed = max(MIN_CUE_S, width / MAX_CHARS_PER_S)
        if piece.sentence_end and room < needed:
            candidate = _Piece(
                piece.tokens + following.tokens, following.speech_end_s, following.sentence_end
            )
            if _break_tokens(candidate.tokens) is not None and _cue_fits_time(candidate, fps):
                merged[index : index + 2] = [candidate]
                continue
        index += 1
    return merged


def _cue_fits_time(piece: _Piece, fps: int) -> bool:
    return piece.speech_end_s - piece.start_s <= MAX_CUE_S - MIN_GAP_FRAMES / fps


def _wanted_frames(piece: _Piece, start: int, fps: int) -> int:
    """How long a cue would like to stay up, in frames: its speech, at least 5/6 s, long
    enough to read at 17 characters a second, at most 7 s."""
    speech = math.ceil(piece.speech_end_s * fps - 1e-6) - start
    reading = math.ceil(_tokens_width(piece.tokens) / MAX_CHARS_PER_S * fps - 1e-6)
    minimum = math.ceil(MIN_CUE_S * fps - 1e-6)
    maximum = math.floor(MAX_CUE_S * fps + 1e-6)
    return min(maximum, max(speech, reading, minimum))


def _tokens_width(tokens: list[_Token]) -> int:
    lines = _break_tokens(tokens)
    if lines is None:
        return sum(display_width(token.text) + 1 for token in tokens)
    return sum(display_width(line) for line in lines) + len(lines) - 1


def _join(tokens: Sequence[_Token]) -> str:
    text = ""
    for token in tokens:
        text += token.text if token.glued or not text else " " + token.text
    return text


def _break_tokens(tokens: list[_Token]) -> tuple[str, ...] | None:
    if not tokens:
        return None
    whole = _join(tokens)
    if display_width(whole) <= MAX_LINE_CHARS:
        return (whole,)
    best: tuple[float, str, str] | None = None
    for index in range(1, len(tokens)):
        top, bottom = _join(tokens[:index]), _join(tokens[index:])
        top_width, bottom_width = display_width(top), display_width(bottom)
        if top_width > MAX_LINE_CHARS or bottom_width > MAX_LINE_CHARS:
            continue
        score = float(abs(top_width - bottom_width))
        if top_width > bottom_width:
            score += 2  # a slightly longer bottom line reads better
        if top.endswith(_PAUSE_ENDINGS + _SENTENCE_ENDINGS):
            score -= 6
        if tokens[index].glued:
            score += 10
        if best is None or score < best[0]:
            best = (score, top, bottom)
    return None if best is None else (best[1], best[2])


# --- checks --------------------------------------------------------------------------------


def _line_problems(label: str, cue: Cue) -> list[str]:
    problems: list[str] = []
    if not 1 <= len(cue.lines) <= MAX_LINES:
        problems.append(f"{label} has {len(cue.lines)} lines; 1 or {MAX_LINES} allowed.")
    for line in cue.lines:
        if not line.strip():
            problems.append(f"{label} has an empty line.")
        elif display_width(line) > MAX_LINE_CHARS:
            problems.append(
                f"{label} has a line of {display_width(line)} characters, over "
                f"{MAX_LINE_CHARS}: {line!r}."
            )
    return problems


def _speech_problems(cues: Sequence[Cue], speech: Sequence[SpeechSpan], fps: int) -> list[str]:
    """The cues must carry the spoken words in order, each starting near its first word."""
    spoken: list[tuple[str, float]] = []  # (characters of a word, time it is spoken)
    for span in speech:
        spoken.extend((token.text, token.time_s) for token in _tokens(span))
    stream = "".join(text for text, _ in spoken)
    starts: list[tuple[int, float]] = []
    position = 0
    for text, time in spoken:
        starts.append((position, time))
        position += len(text)
    word_time = dict(starts)

    problems: list[str] = []
    position = 0
    for number, cue in enumerate(cues, start=1):
        label = f"Cue {number} ({_clock(cue.start_s, ',')})"
        text = "".join("".join(cue.lines).split())
        if stream[position : position + len(text)] != text:
            problems.append(f"{label} does not carry the next spoken words {text[:30]!r}.")
            return problems
        spoken_at = word_time.get(position)
        if spoken_at is None:
            problems.append(f"{label} starts in the middle of a word.")
        elif abs(cue.start_s - spoken_at) > MAX_START_OFFSET_FRAMES / fps + TIME_TOLERANCE_S:
            offset = (cue.start_s - spoken_at) * fps
            problems.append(f"{label} starts {offset:+.1f} frames from its speech.")
        position += len(text)
    if position != len(stream):
        problems.append(f"The cues leave out spoken words from {stream[position:][:30]!r}.")
    return problems


# --- formats -------------------------------------------------------------------------------


def _clock(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d}{separator}{millis:03d}"


def _safe_line(line: str) -> str:
    return line.replace("-->", "->")


def _escape_vtt(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape_vtt(line: str) -> str:
    return line.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
