"""A small ctypes binding to the espeak-ng library shipped in the ``espeakng-loader`` wheel.

espeak-ng keeps global state (one voice, one set of parameters, one callback), so every call
goes through one process-wide engine guarded by a lock. The engine runs in synchronous mode:
``espeak_Synth`` returns only after it has handed every sample to our callback.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import espeakng_loader
import numpy as np

from pipeline.errors import EspeakError
from pipeline.types import AudioArray

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_POS_CHARACTER = 1
_EE_OK = 0
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1

_PHONEMES_IPA = 0x02
"""espeak_TextToPhonemes' phonememode bit for IPA (UTF-8) instead of espeak's ASCII names."""

_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3
_PARAM_RANGE = 4
_PARAM_WORDGAP = 7

_RANDOM_SEED = 1
"""Seed for espeak's own random jitter, reset before each utterance so output is repeatable."""

MIN_RATE_WPM = 80
MAX_RATE_WPM = 450
"""The speaking rates espeak-ng accepts, in its words per minute."""

_INT16_FULL_SCALE = 32768.0


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Utterance:
    """Synthesised speech: mono float32 samples and where each word starts.

    word_starts holds (index of the word's first character in the text, sample index).
    """

    samples: AudioArray
    sample_rate: int
    word_starts: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class VoiceSettings:
    """Everything that selects how espeak speaks.

    name is an espeak voice name with an optional variant (``"hi+f4"``); pitch and pitch_range
    are espeak's 0..100 scales (50 is the voice's own); rate is in espeak words per minute.
    """

    name: str
    rate_wpm: int
    pitch: int = 50
    pitch_range: int = 50


class _Engine:
    """The one espeak-ng instance of this process."""

    def __init__(self) -> None:
        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._declare()
        data_path = espeakng_loader.get_data_path().encode()
        rate = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, _INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EspeakError("espeak-ng failed to initialise from its data folder.")
        self.sample_rate = int(rate)
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int]] = []
        self._callback = _SynthCallback(self._collect)  # kept alive as long as the engine
        self._lib.espeak_SetSynthCallback(self._callback)
        self._settings: VoiceSettings | None = None

    def _declare(self) -> None:
        lib = self._lib
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = (
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint),
            ctypes.c_void_p,
        )
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.argtypes = ()
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_ng_SetRandSeed.argtypes = (ctypes.c_long,)
        lib.espeak_ng_SetRandSeed.restype = None
        lib.espeak_TextToPhonemes.argtypes = (
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        )
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p

    def _collect(
        self,
        wav: ctypes._Pointer[ctypes.c_short],
        count: int,
        events: ctypes._Pointer[_Event],
    ) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events and events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                # text_position counts characters from 1.
                self._words.append((event.text_position - 1, event.sample))
            index += 1
        return 0  # keep going

    def _apply(self, settings: VoiceSettings) -> None:
        if settings == self._settings:
            return
        self._settings = None
        if self._lib.espeak_SetVoiceByName(settings.name.encode()) != _EE_OK:
            raise EspeakError(f"espeak-ng has no voice named {settings.name!r}.")
        for parameter, value in (
            (_PARAM_RATE, settings.rate_wpm),
            (_PARAM_PITCH, settings.pitch),
            (_PARAM_RANGE, settings.pitch_range),
            (_PARAM_VOLUME, 100),
            (_PARAM_WORDGAP, 0),
        ):
            if self._lib.espeak_SetParameter(parameter, value, 0) != _EE_OK:
                raise EspeakError(f"espeak-ng refused parameter {parameter} = {value}.")
        self._settings = settings

    def speak(self, text: str, settings: VoiceSettings) -> Utterance:
        """Synthesise text with the given settings."""
        if not MIN_RATE_WPM <= settings.rate_wpm <= MAX_RATE_WPM:
            raise ValueError(
                f"Rate {settings.rate_wpm} wpm is outside espeak's {MIN_RATE_WPM}..{MAX_RATE_WPM}."
            )
        self._apply(settings)
        encoded = text.encode("utf-8") + b"\0"
        self._chunks = []
        self._words = []
        self._lib.espeak_ng_SetRandSeed(_RANDOM_SEED)
        status = self._lib.espeak_Synth(
            encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
        )
        if status != _EE_OK or self._lib.espeak_Synchronize() != _EE_OK:
            raise EspeakError(f"espeak-ng failed to synthesise (status {status}).")
        raw = b"".join(self._chunks)
        words = tuple(self._words)
        self._chunks = []
        self._words = []
        samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32)
        samples /= np.float32(_INT16_FULL_SCALE)
        return Utterance(samples, self.sample_rate, words)

    def phonemes(self, text: str, voice_name: str) -> str:
        """The IPA phonemes espeak-ng reads text with, clause by clause, joined by spaces."""
        self._settings = None  # the voice changes under the synthesis settings
        if self._lib.espeak_SetVoiceByName(voice_name.encode()) != _EE_OK:
            raise EspeakError(f"espeak-ng has no voice named {voice_name!r}.")
        buffer = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
        pointer = ctypes.c_void_p(ctypes.addressof(buffer))
        clauses: list[str] = []
        while pointer.value:
            chunk = self._lib.espeak_TextToPhonemes(
                ctypes.byref(pointer), _CHARS_UTF8, _PHONEMES_IPA
            )
            if chunk:
                clauses.append(chunk.decode("utf-8", errors="replace").strip())
        return " ".join(clause for clause in clauses if clause)


_lock = threading.Lock()
_engine: _Engine | None = None


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        _engine = _Engine()
    return _engine


def sample_rate() -> int:
    """The rate espeak-ng produces samples at (22050 Hz for its bundled voices)."""
    with _lock:
        return _get_engine().sample_rate


def speak(text: str, settings: VoiceSettings) -> Utterance:
    """Synthesise one utterance with its word positions. Thread-safe."""
    with _lock:
        return _get_engine().speak(text, settings)


def phonemes(text: str, voice_name: str) -> str:
    """IPA phonemes of text as espeak-ng reads it with a voice ("en-us", "hi"). Thread-safe."""
    with _lock:
        return _get_engine().phonemes(text, voice_name)
