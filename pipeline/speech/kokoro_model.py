"""Loading Kokoro: the ONNX graph (with its predicted durations exposed), vocabulary, voices.

Kokoro's export has three inputs (tokens int64 [1, T], style float [1, 256], speed float [1])
and one output (audio float [samples]). Inside, the duration predictor's rounded frames per
token are the tensor DURATIONS_TENSOR; load_session adds it as a second graph output
("durations", int64 [1, T]) in memory, so word timings come from the model's own alignment.
Each predicted frame is SAMPLES_PER_FRAME samples of audio.

Where the files come from: a folder MODEL_DIR/kokoro with kokoro.onnx, vocab.json and
voices.npz (the tiny test model, or a copy of the weights) when present, else the installed
packages of the `voice` extra (pipeline.neural.speech_models.KOKORO_82M_INT8), joined in
memory and checked against their SHA-256. Nothing is fetched or written.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import BackendUnavailableError
from pipeline.neural.onnx import create_session
from pipeline.neural.packaged import is_installed, read_file, read_joined
from pipeline.neural.speech_models import (
    KOKORO_82M_INT8,
    KOKORO_PART,
    KOKORO_VOCAB,
    KOKORO_VOICES,
)
from pipeline.neural.weight_files import missing_paths

SAMPLE_RATE = 24_000
"""Kokoro's output rate in Hz."""
SAMPLES_PER_FRAME = 600
"""Audio samples per predicted duration frame (25 ms at 24 kHz)."""
STYLE_SIZE = 256
"""Length of one style vector."""
PAD_TOKEN = 0
"""The token Kokoro expects before and after the phonemes."""
DURATIONS_TENSOR = "/encoder/Cast_output_0"
"""The graph's int64 frames per token (after rounding, clipping to >= 1 and the speed)."""
DURATIONS_OUTPUT = "durations"

FOLDER = "kokoro"
"""The folder under MODEL_DIR that overrides the packaged model."""
MODEL_FILE = "kokoro.onnx"
VOCAB_FILE = "vocab.json"
VOICES_FILE = "voices.npz"
FOLDER_FILES = (MODEL_FILE, VOCAB_FILE, VOICES_FILE)


@dataclass(frozen=True)
class KokoroModel:
    """A loaded Kokoro: its session, phoneme vocabulary and voice style tables.

    voices maps a name to a float32 array [rows, 1, 256]: row n styles n phoneme tokens.
    has_durations says whether the session returns per-token frames.
    """

    session: Any
    vocab: Mapping[str, int]
    voices: Mapping[str, np.ndarray]
    has_durations: bool
    source: str

    def run(
        self, tokens: list[int], style: np.ndarray, speed: float
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Audio (float32) and frames per token (with the two pads), or None without them."""
        feeds = {
            "tokens": np.array([[PAD_TOKEN, *tokens, PAD_TOKEN]], dtype=np.int64),
            "style": np.asarray(style, dtype=np.float32).reshape(1, STYLE_SIZE),
            "speed": np.array([speed], dtype=np.float32),
        }
        outputs = self.session.run(None, feeds)
        audio = np.asarray(outputs[0], dtype=np.float32).reshape(-1)
        frames = np.asarray(outputs[1]).reshape(-1) if self.has_durations else None
        return audio, frames


def expose_durations(model_bytes: bytes) -> tuple[bytes, bool]:
    """The graph with DURATIONS_TENSOR added as an output, and whether it was found;
    BackendUnavailableError when onnx is missing or the bytes are not an ONNX model."""
    try:
        import onnx
    except ImportError as error:
        raise BackendUnavailableError(
            "onnx is not installed; install the 'voice' or 'neural' extra."
        ) from error
    try:
        model = onnx.load_from_string(model_bytes)
    except Exception as error:  # protobuf raises its own DecodeError
        raise BackendUnavailableError(
            f"The Kokoro model is not a readable ONNX graph ({error})."
        ) from error
    produced = {name for node in model.graph.node for name in node.output}
    if DURATIONS_TENSOR not in produced:
        return model_bytes, False
    model.graph.node.append(
        onnx.helper.make_node("Identity", [DURATIONS_TENSOR], [DURATIONS_OUTPUT])
    )
    model.graph.output.append(
        onnx.helper.make_tensor_value_info(DURATIONS_OUTPUT, onnx.TensorProto.INT64, None)
    )
    return model.SerializeToString(), True


def load_voices(data: bytes) -> dict[str, np.ndarray]:
    """The style tables of an .npz file, each as float32 [rows, 1, 256]."""
    with np.load(io.BytesIO(data)) as archive:
        voices = {
            name: np.asarray(archive[name], dtype=np.float32).reshape(-1, 1, STYLE_SIZE)
            for name in archive.files
        }
    if not voices:
        raise BackendUnavailableError("The Kokoro voices file holds no voice.")
    return voices


def folder_of(model_dir: Path | None) -> Path | None:
    """MODEL_DIR/kokoro when it holds all three files, else None."""
    if model_dir is None:
        return None
    folder = model_dir / FOLDER
    return folder if not missing_paths(folder, FOLDER_FILES) else None


def packaged_installed() -> bool:
    """True when the `voice` extra's Kokoro packages are installed."""
    return is_installed(KOKORO_82M_INT8)


def available(model_dir: Path | None) -> bool:
    """True when a Kokoro model can be loaded (a MODEL_DIR folder or the installed packages)."""
    return folder_of(model_dir) is not None or packaged_installed()


def _read(model_dir: Path | None) -> tuple[bytes, bytes, bytes, str]:
    folder = folder_of(model_dir)
    if folder is not None:
        model, vocab, voices = ((folder / name).read_bytes() for name in FOLDER_FILES)
        return model, vocab, voices, str(folder)
    if not packaged_installed():
        raise BackendUnavailableError(
            "Kokoro is not installed (pip install 'ai-film-studio[voice]')."
        )
    model = read_joined(KOKORO_82M_INT8, (KOKORO_PART,))
    files = {f.path: f for f in KOKORO_82M_INT8.files}
    vocab = read_file(files[KOKORO_VOCAB])
    voices = read_file(files[KOKORO_VOICES])
    return model, vocab, voices, "packages:" + ",".join(KOKORO_82M_INT8.packages)


_lock = threading.Lock()
_loaded: dict[tuple[str, tuple[str, ...], int | None], KokoroModel] = {}


def load(
    model_dir: Path | None, providers: tuple[str, ...], threads: int | None = None
) -> KokoroModel:
    """The Kokoro model (folder first, then packages), loaded once per process and source.

    BackendUnavailableError when neither is there or the files do not check out.
    """
    folder = folder_of(model_dir)
    key = (str(folder) if folder else "packages", providers, threads)
    with _lock:
        if key not in _loaded:
            model_bytes, vocab_bytes, voice_bytes, source = _read(model_dir)
            graph, has_durations = expose_durations(model_bytes)
            vocab = json.loads(vocab_bytes.decode("utf-8"))
            table = vocab.get("vocab", vocab)
            _loaded[key] = KokoroModel(
                session=create_session(graph, providers, threads),
                vocab={str(k): int(v) for k, v in table.items()},
                voices=load_voices(voice_bytes),
                has_durations=has_durations,
                source=source,
            )
        return _loaded[key]
