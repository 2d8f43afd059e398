"""Where byte-level BPE tokens (Whisper's, GPT-2's) fall in the text they encode.

Each token string is written in the byte-level alphabet: every byte is one printable
character. Printable Latin-1 bytes stand for themselves; the other bytes (controls, space,
a few Latin-1 gaps) take the characters from U+0100 on, in byte order.
"""

from __future__ import annotations

from functools import cache


@cache
def byte_of_symbol() -> dict[str, int]:
    """The byte each character of the byte-level alphabet stands for."""
    kept = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("\N{INVERTED EXCLAMATION MARK}"), ord("\N{NOT SIGN}") + 1),
        *range(ord("\N{REGISTERED SIGN}"), ord("\N{LATIN SMALL LETTER Y WITH DIAERESIS}") + 1),
    ]
    table = {chr(byte): byte for byte in kept}
    moved = [byte for byte in range(256) if byte not in set(kept)]
    table.update({chr(256 + index): byte for index, byte in enumerate(moved)})
    return table


def token_bytes(token: str) -> bytes | None:
    """The bytes a byte-level token stands for; None for a string outside the alphabet."""
    table = byte_of_symbol()
    if any(symbol not in table for symbol in token):
        return None
    return bytes(table[symbol] for symbol in token)


def token_char_ends(tokens: list[str], text: str) -> list[int] | None:
    """For each token, the number of characters of text decoded once it is read (a token
    that ends inside a multi-byte character shares the end of the token completing it);
    None when the tokens do not spell text exactly."""
    pieces = [token_bytes(token) for token in tokens]
    if any(piece is None for piece in pieces):
        return None
    data = b""
    ends: list[int | None] = []
    for piece in pieces:
        assert piece is not None
        data += piece
        try:
            ends.append(len(data.decode("utf-8")))
        except UnicodeDecodeError:
            ends.append(None)
    try:
        if data.decode("utf-8") != text:
            return None
    except UnicodeDecodeError:
        return None
    filled: list[int] = []
    following = len(text)
    for end in reversed(ends):
        following = end if end is not None else following
        filled.append(following)
    return filled[::-1]
