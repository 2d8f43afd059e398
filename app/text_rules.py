"""What free text a request may hold: no control characters, no invisible spoofing.

PostgreSQL cannot store or extract a NUL character, terminals and logs misread the other C0/C1
controls, and bidirectional overrides or zero-width spaces make a title read differently from
what it is. One rule set, used by every schema that takes free text.
"""

from __future__ import annotations

import unicodedata

LINE_BREAKS = frozenset("\n\r\t")
"""Control characters multi-line text (a script, a narration) may keep."""

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides (RLO is U+202E)
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # direction marks
)
"""Characters that reorder the text around them."""

INVISIBLE_SPACES = frozenset("\u200b\u2060\ufeff\u180e\u00ad")
"""Zero-width space, word joiner, byte order mark, Mongolian vowel separator, soft hyphen."""

JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: needed by Indic scripts and emoji sequences, kept in any text."""


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


def check_text(value: str, *, multiline: bool) -> str:
    """The value when it holds no control characters; ValueError naming the first one.

    Multi-line text keeps tabs and line breaks; single-line text (a title, a name, a filter)
    also refuses bidirectional controls and invisible spaces.
    """
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") and not (multiline and char in LINE_BREAKS):
            raise ValueError(f"must not contain the control character {_describe(char)}")
        if char in BIDI_CONTROLS or (not multiline and char in INVISIBLE_SPACES):
            raise ValueError(f"must not contain the invisible character {_describe(char)}")
    return value


def check_single_line(value: str) -> str:
    """check_text for a title, a name or a filter."""
    return check_text(value, multiline=False)


def check_multiline(value: str) -> str:
    """check_text for a script, a narration or a prompt."""
    return check_text(value, multiline=True)
