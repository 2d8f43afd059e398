"""What a password must be: long enough, not a common password with a number stuck on, not a
handful of repeated characters."""

from __future__ import annotations

import re

from app.security import BCRYPT_MAX_PASSWORD_BYTES

MIN_PASSWORD_CHARS = 8
MIN_DISTINCT_CHARS = 5
"""'aaaa1111' and eight spaces and a digit are refused however long they are."""

COMMON_WORDS = frozenset(
    [
        "password",
        "passw0rd",
        "pass",
        "passwd",
        "pwd",
        "qwerty",
        "qwertyuiop",
        "qwertz",
        "azerty",
        "asdf",
        "asdfgh",
        "asdfghjkl",
        "zxcvbn",
        "zxcvbnm",
        "letmein",
        "welcome",
        "admin",
        "administrator",
        "root",
        "login",
        "user",
        "guest",
        "test",
        "tester",
        "default",
        "changeme",
        "secret",
        "master",
        "iloveyou",
        "love",
        "lovely",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "soccer",
        "hockey",
        "basketball",
        "sunshine",
        "shadow",
        "superman",
        "batman",
        "trustno1",
        "princess",
        "starwars",
        "whatever",
        "freedom",
        "hello",
        "hellohello",
        "abc",
        "abcd",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "abc123",
        "computer",
        "internet",
        "michael",
        "jennifer",
        "jordan",
        "hunter",
        "ranger",
        "buster",
        "thomas",
        "robert",
        "charlie",
        "daniel",
        "summer",
        "winter",
        "spring",
        "autumn",
        "flower",
        "cookie",
        "cheese",
        "chocolate",
        "banana",
        "orange",
        "purple",
        "google",
        "facebook",
        "youtube",
        "samsung",
        "apple",
        "microsoft",
        "linux",
        "ubuntu",
        "windows",
        "filmstudio",
        "studio",
        "film",
        "movie",
        "video",
        "creator",
        "mypassword",
        "mypass",
        "newpassword",
        "newpass",
        "access",
        "killer",
        "pokemon",
        "naruto",
        "killer",
        "ninja",
        "matrix",
        "mustang",
        "harley",
        "jesus",
        "blessed",
        "family",
        "friends",
        "india",
        "bharat",
    ]
)
"""Words that make up most breached passwords; with digits or symbols around them too."""

SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")


def _core(password: str) -> str:
    """The password lower-cased, without the digits, symbols and spaces around its letters."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def _is_sequence(text: str) -> bool:
    return len(text) >= 4 and any(text in run or text in run[::-1] for run in SEQUENCES)


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"must be at least {MIN_PASSWORD_CHARS} characters"
    if len(password.encode()) > BCRYPT_MAX_PASSWORD_BYTES:
        return f"must be at most {BCRYPT_MAX_PASSWORD_BYTES} bytes"
    if password.isdigit() or password.isalpha():
        return "must mix letters with digits or symbols"
    if len(set(password)) < MIN_DISTINCT_CHARS or not password.strip():
        return f"must use at least {MIN_DISTINCT_CHARS} different characters"
    core = _core(password)
    compact = re.sub(r"[\W_]", "", password.lower())
    if core in COMMON_WORDS or compact in COMMON_WORDS or _is_sequence(compact):
        return "is a common password; choose one that is harder to guess"
    return None
