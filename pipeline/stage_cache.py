"""What a render keeps in a stage cache besides video segments: speech, music and sound.

- speech: one entry per scene, its sentences' clips (samples, rate, word timings) in one .npz,
  keyed by the scene's sentences and speakers, voice, language, pace, the speech backend's
  choice and this stage's version;
- music: the music bed as raw float32 stereo, keyed by style or track bytes, prompt, length,
  seed and the music backend's choice;
- sound: the finished AAC track and the mix's report, keyed by every speech key, where each
  clip sits, the music key and the mix and encoder settings.

CacheTally counts, per stage, the entries reused and made, for render.json.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from imageio_ffmpeg import get_ffmpeg_version

from pipeline.cache.keys import cache_key
from pipeline.cache.store import CacheStore
from pipeline.media.encode import EncodeSettings
from pipeline.neural.fallback import BackendLog
from pipeline.sound.mix import MixReport
from pipeline.sound.stems import CHANNELS
from pipeline.speech.select import STAGE as TTS_LOG_STAGE
from pipeline.speech.timed_words import WORDS_STAGE
from pipeline.types import AudioArray, Sentence, SpeechSpan, SpokenSentence

SPEECH_STAGE = "speech"
SPEECH_VERSION = "1"
MUSIC_STAGE = "music"
MUSIC_VERSION = "1"
SOUND_STAGE = "sound"
SOUND_REPORT_STAGE = "sound_report"
SOUND_VERSION = "1"
_SAMPLE = np.dtype(np.float32)


@dataclass
class CacheTally:
    """Entries reused and made per stage during one render."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, stage: str, reused: bool) -> None:
        """Record one entry of stage as reused (found) or made."""
        tally = self.counts.setdefault(stage, {"reused": 0, "made": 0})
        tally["reused" if reused else "made"] += 1

    def record(self) -> dict[str, dict[str, int]]:
        """The tally as render.json keeps it."""
        return {stage: dict(tally) for stage, tally in self.counts.items()}


# --- speech --------------------------------------------------------------------------------


def speech_key(
    sentences: Sequence[Sentence],
    voice: str,
    language: str,
    words_per_minute: int,
    backend: Mapping[str, Any],
) -> str:
    """The key of one scene's narration."""
    lines = [[sentence.text, sentence.speaker] for sentence in sentences]
    return cache_key(
        SPEECH_STAGE,
        SPEECH_VERSION,
        lines=lines,
        voice=voice,
        language=language,
        words_per_minute=words_per_minute,
        backend=backend,
    )


def save_speech(
    clips: Sequence[SpokenSentence], used: str | None, folder: Path, words_used: str | None = None
) -> Path:
    """One scene's clips in an .npz file under folder (samples, rates, word timings), with the
    backend that spoke them and the one that timed their words (None: the TTS itself)."""
    arrays: dict[str, np.ndarray] = {}
    described: list[dict[str, Any]] = []
    for number, clip in enumerate(clips):
        arrays[f"audio{number}"] = np.ascontiguousarray(clip.audio, dtype=np.float32)
        described.append(
            {"rate": clip.sample_rate, "words": [list(word) for word in clip.word_starts]}
        )
    meta = {"used": used, "words_used": words_used, "clips": described}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    handle, name = tempfile.mkstemp(suffix=".npz", dir=folder)
    with open(handle, "wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]
    return Path(name)


def load_speech(
    path: Path, sentences: Sequence[Sentence]
) -> tuple[list[SpokenSentence], dict[str, str]] | None:
    """The clips of a stored scene for these sentences with the backend log entries stored
    beside them (the backend that spoke them, the one that timed their words), or None when
    the entry does not match them."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(bytes(stored["meta"]).decode())
            clips = meta["clips"]
            if len(clips) != len(sentences):
                return None
            spoken = [
                SpokenSentence(
                    sentence=sentence,
                    audio=np.asarray(stored[f"audio{number}"], dtype=np.float32),
                    sample_rate=int(clip["rate"]),
                    word_starts=tuple((int(at), float(s)) for at, s in clip["words"]),
                )
                for number, (sentence, clip) in enumerate(zip(sentences, clips, strict=True))
            ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    entries = {TTS_LOG_STAGE: meta.get("used"), WORDS_STAGE: meta.get("words_used")}
    return spoken, {stage: name for stage, name in entries.items() if isinstance(name, str)}


# --- music ---------------------------------------------------------------------------------


def music_key(
    style: str | None,
    track: Path | None,
    prompt: str | None,
    duration_s: float,
    seed: int,
    sample_rate: int,
    backend: Mapping[str, Any],
) -> str:
    """The key of the film's music bed."""
    return cache_key(
        MUSIC_STAGE,
        MUSIC_VERSION,
        style=style,
        track=track,
        prompt=prompt,
        duration_s=duration_s,
        seed=seed,
        sample_rate=sample_rate,
        backend=backend,
    )


def stored_music(path: Path, chunk_samples: int) -> Iterator[AudioArray]:
    """A stored music bed read back in chunks of chunk_samples stereo samples."""
    frame_bytes = CHANNELS * _SAMPLE.itemsize
    with path.open("rb") as source:
        while data := source.read(chunk_samples * frame_bytes):
            samples = len(data) // frame_bytes
            chunk: AudioArray = np.frombuffer(data[: samples * frame_bytes], dtype=np.float32)
            yield chunk.reshape(samples, CHANNELS).copy()


# --- the whole sound -----------------------------------------------------------------------


def sound_keys(
    speech_keys: Sequence[str],
    spans: Sequence[SpeechSpan],
    music: str | None,
    duration_s: float,
    settings: EncodeSettings,
) -> tuple[str, str]:
    """The keys of the film's AAC track and of its mix report."""
    inputs: dict[str, Any] = {
        "speech": list(speech_keys),
        "starts": [span.start_s for span in spans],
        "music": music,
        "duration_s": duration_s,
        "audio_bitrate": settings.audio_bitrate,
        "ffmpeg": get_ffmpeg_version(),
    }
    return (
        cache_key(SOUND_STAGE, SOUND_VERSION, **inputs),
        cache_key(SOUND_REPORT_STAGE, SOUND_VERSION, **inputs),
    )


def save_mix_report(report: MixReport, folder: Path) -> Path:
    """The mix report as a JSON file under folder."""
    handle, name = tempfile.mkstemp(suffix=".json", dir=folder)
    with open(handle, "w", encoding="utf-8") as out:
        json.dump(asdict(report), out)
    return Path(name)


def load_mix_report(path: Path) -> MixReport | None:
    """A stored mix report, or None when it cannot be read."""
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return MixReport(**fields)
    except (OSError, ValueError, TypeError):
        return None


class SceneSpeechCache:
    """Reads and stores scenes' narration in a cache for one render (see speech_key)."""

    def __init__(
        self,
        cache: CacheStore,
        tally: CacheTally,
        language: str,
        backend: Mapping[str, Any],
        log: BackendLog,
        folder: Path,
    ) -> None:
        self.cache = cache
        self.tally = tally
        self.language = language
        self.backend = dict(backend)
        self.log = log
        self.folder = folder

    def key(self, sentences: Sequence[Sentence], voice: str, words_per_minute: int) -> str:
        """The key of a scene's narration by this voice at this pace."""
        return speech_key(sentences, voice, self.language, words_per_minute, self.backend)

    def load(self, key: str, sentences: Sequence[Sentence]) -> list[SpokenSentence] | None:
        """The stored clips under key for these sentences, or None (then made and stored)."""
        path = self.cache.get(key)
        found = load_speech(path, sentences) if path is not None else None
        if found is None:
            return None
        clips, used = found
        for stage, name in used.items():
            self.log.used.setdefault(stage, name)
        self.tally.count(SPEECH_STAGE, True)
        return clips

    def store(self, key: str, clips: Sequence[SpokenSentence]) -> None:
        """Keep a scene's newly spoken clips under key."""
        timed = any(clip.word_starts for clip in clips)
        words = self.log.used.get(WORDS_STAGE) if timed else None
        path = save_speech(clips, self.log.used.get(TTS_LOG_STAGE), self.folder, words)
        try:
            self.cache.put(key, path)
        finally:
            path.unlink(missing_ok=True)
        self.tally.count(SPEECH_STAGE, False)
