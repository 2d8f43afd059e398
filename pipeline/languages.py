"""The narration languages the studio supports and the espeak-ng voice behind each."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import InputError


@dataclass(frozen=True)
class Language:
    """One supported language: its code, its English name and its espeak-ng voice."""

    code: str
    name: str
    espeak_voice: str


_ALL = (
    Language("en", "English", "en-us"),
    Language("hi", "Hindi", "hi"),
    Language("ta", "Tamil", "ta"),
    Language("te", "Telugu", "te"),
    Language("kn", "Kannada", "kn"),
    Language("ml", "Malayalam", "ml"),
    Language("bn", "Bengali", "bn"),
    Language("mr", "Marathi", "mr"),
    Language("gu", "Gujarati", "gu"),
    Language("pa", "Punjabi", "pa"),
    Language("es", "Spanish", "es"),
    Language("fr", "French", "fr"),
    Language("de", "German", "de"),
    Language("it", "Italian", "it"),
    Language("pt", "Portuguese", "pt"),
)

SUPPORTED_LANGUAGES: dict[str, Language] = {language.code: language for language in _ALL}
"""Supported languages by their ISO 639-1 code."""


def get_language(code: str) -> Language:
    """The language for a code such as "hi" or "en-US"; InputError when unsupported."""
    key = code.strip().lower().replace("_", "-").split("-")[0]
    language = SUPPORTED_LANGUAGES.get(key)
    if language is None:
        supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
        raise InputError(f"Language {code!r} is not supported; choose one of: {supported}.")
    return language
