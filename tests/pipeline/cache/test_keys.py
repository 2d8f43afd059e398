"""Cache keys change when any input changes (text, image bytes, voice, backend, seed, stage
version) and not otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from pipeline.cache.keys import cache_key
from pipeline.music.choice import MusicChoice


@dataclass(frozen=True)
class _Settings:
    steps: int
    strength: float


def _speech_key(**changes: object) -> str:
    inputs: dict[str, object] = {
        "text": "The river was quiet.",
        "voice": "female",
        "language": "en",
        "words_per_minute": 160,
        "backend": "espeak-ng",
        "seed": 7,
    }
    inputs.update(changes)
    return cache_key("speech", "1", **inputs)


def test_every_input_moves_the_key() -> None:
    base = _speech_key()
    changed = [
        _speech_key(text="The river was loud."),
        _speech_key(voice="male"),
        _speech_key(language="hi"),
        _speech_key(words_per_minute=161),
        _speech_key(backend="piper:en_US-amy-medium"),
        _speech_key(seed=8),
        cache_key("speech", "2", text="The river was quiet.", voice="female", language="en",
                  words_per_minute=160, backend="espeak-ng", seed=7),
        cache_key("music", "1", text="The river was quiet.", voice="female", language="en",
                  words_per_minute=160, backend="espeak-ng", seed=7),
    ]  # fmt: skip
    assert len({base, *changed}) == len(changed) + 1
    assert base == _speech_key()
    assert base.startswith("speech/") and len(base.split("/")[1]) == 64


def test_files_count_by_content_not_by_name(tmp_path: Path) -> None:
    first, copy, other = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    first.write_bytes(b"picture one")
    copy.write_bytes(b"picture one")
    other.write_bytes(b"picture two")
    assert cache_key("shot", "1", image=first) == cache_key("shot", "1", image=copy)
    assert cache_key("shot", "1", image=first) != cache_key("shot", "1", image=other)
    first.write_bytes(b"picture one, edited")
    assert cache_key("shot", "1", image=first) != cache_key("shot", "1", image=copy)


def test_mapping_order_does_not_matter_but_values_and_types_do() -> None:
    assert cache_key("mix", "1", gains={"a": 1, "b": 2}) == cache_key(
        "mix", "1", gains={"b": 2, "a": 1}
    )
    assert cache_key("mix", "1", level=1) != cache_key("mix", "1", level=1.0)
    assert cache_key("mix", "1", level=0.1) != cache_key("mix", "1", level=0.1 + 1e-15)
    assert cache_key("mix", "1", order=[1, 2]) != cache_key("mix", "1", order=[2, 1])


def test_arrays_dataclasses_and_typed_values_are_digested() -> None:
    audio = np.linspace(-1, 1, 480, dtype=np.float32)
    assert cache_key("clip", "1", audio=audio) == cache_key("clip", "1", audio=audio.copy())
    assert cache_key("clip", "1", audio=audio) != cache_key("clip", "1", audio=audio[::-1])
    assert cache_key("clip", "1", audio=audio) != cache_key("clip", "1", audio=audio.astype(float))
    assert cache_key("shot", "1", s=_Settings(4, 0.5)) != cache_key(
        "shot", "1", s=_Settings(5, 0.5)
    )
    assert cache_key("bed", "1", music=MusicChoice.named("sloka")) != cache_key(
        "bed", "1", music=MusicChoice.named("ambient")
    )


def test_inputs_that_cannot_be_keyed_are_refused() -> None:
    with pytest.raises(TypeError):
        cache_key("speech", "1", callback=print)
    with pytest.raises(ValueError, match="finite"):
        cache_key("speech", "1", gain=float("nan"))
    with pytest.raises(ValueError, match="identifier"):
        cache_key("../etc", "1")
