"""Standalone audio outputs (narration, music) written as AAC in an M4A file."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from pipeline.backends import StageBackends
from pipeline.errors import EncodeError
from pipeline.media.encode import ffmpeg_exe
from pipeline.music import styles
from pipeline.script.scenes import split_sentences
from pipeline.speech import tts
from pipeline.types import FILM_SAMPLE_RATE_HZ, AudioArray, ProgressCallback, Sentence, no_progress

SENTENCE_PAUSE_S = 0.4
"""Silence between sentences of standalone narration."""

MUSIC_CHUNK_S = 10.0
AUDIO_BITRATE = "160k"
_STDERR_TAIL_CHARS = 400


def write_m4a(
    chunks: Iterable[AudioArray], sample_rate: int, channels: int, out_path: Path
) -> None:
    """Encode float32 chunks ((n,) mono or (n, 2) stereo) to AAC-LC 48 kHz in an M4A file."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "f32le",
        "-ar",
        str(sample_rate),
        "-ac",
        str(channels),
        "-i",
        "pipe:0",
        "-c:a",
        "aac",
        "-profile:a",
        "aac_low",
        "-b:a",
        AUDIO_BITRATE,
        "-ar",
        str(FILM_SAMPLE_RATE_HZ),
        "-movflags",
        "+faststart",
        str(out_path),
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors)
        assert process.stdin is not None
        try:
            for chunk in chunks:
                process.stdin.write(np.ascontiguousarray(chunk, dtype=np.float32).tobytes())
            process.stdin.close()
        except BaseException:
            process.kill()
            process.wait()
            out_path.unlink(missing_ok=True)
            raise
        if process.wait() != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-_STDERR_TAIL_CHARS:].strip()
            out_path.unlink(missing_ok=True)
            raise EncodeError(f"ffmpeg could not write {out_path.name}: {tail or 'no message'}")


def narration_file(
    text: str,
    voice: str,
    language: str,
    out_path: Path,
    words_per_minute: int = tts.DEFAULT_WORDS_PER_MINUTE,
    progress: ProgressCallback = no_progress,
    stages: StageBackends | None = None,
) -> float:
    """Speak the text (sentence by sentence, short pauses between) into an M4A; its seconds.

    stages chooses the voice engine (piper when chosen and present); espeak-ng without it.
    """
    sentences = [
        Sentence(index=index, scene_index=0, text=sentence)
        for index, sentence in enumerate(split_sentences(text))
    ]
    speak = stages.speak if stages is not None else tts.synthesize
    spoken = speak(sentences, voice, language, words_per_minute, progress)
    if not spoken:
        return 0.0
    rate = spoken[0].sample_rate
    pause = np.zeros(round(SENTENCE_PAUSE_S * rate), dtype=np.float32)
    pieces: list[AudioArray] = []
    for index, item in enumerate(spoken):
        if index:
            pieces.append(pause)
        pieces.append(item.audio.astype(np.float32))
    write_m4a(pieces, rate, 1, out_path)
    progress("encode", 1.0)
    return sum(len(piece) for piece in pieces) / rate


def music_file(
    style: str,
    duration_s: float,
    out_path: Path,
    seed: int = 0,
    progress: ProgressCallback = no_progress,
    prompt: str | None = None,
    stages: StageBackends | None = None,
) -> float:
    """Make duration_s of a music style into an M4A; its seconds.

    stages chooses the music engine (MusicGen, prompted by the style and the free-text
    prompt, when chosen and present); the procedural style without it.
    """
    total_chunks = max(1, int(np.ceil(duration_s / MUSIC_CHUNK_S)))
    if stages is not None:
        chunks = stages.music_chunks(
            style, duration_s, FILM_SAMPLE_RATE_HZ, seed, MUSIC_CHUNK_S, prompt or None, progress
        )
    else:
        chunks = styles.music_chunks(style, duration_s, FILM_SAMPLE_RATE_HZ, seed, MUSIC_CHUNK_S)

    def reported() -> Iterable[AudioArray]:
        for index, chunk in enumerate(chunks):
            progress("music", (index + 1) / total_chunks)
            yield chunk

    write_m4a(reported(), FILM_SAMPLE_RATE_HZ, 2, out_path)
    return duration_s
