"""A tiny seeded ONNX graph with Wav2Lip's exact inputs and output, for tests and benchmarks.

It is not a lip-sync model: two small convolutions on the faces plus one on the mel window,
summed and squashed by a sigmoid, so the output depends on both inputs and is in [0, 1].
It lets the real loading, batching and blending code run with no downloaded weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.lipsync.mel import MEL_WINDOW_STEPS, N_MELS
from pipeline.lipsync.wav2lip import FACE_CHANNELS, FACE_SIZE_PX

OPSET = 17
"""ONNX operator set of the graph."""
HIDDEN_CHANNELS = 8
"""Channels between the two face convolutions."""


def build_tiny_wav2lip(
    path: Path,
    seed: int = 0,
    audio_name: str = "audio_sequences",
    face_name: str = "face_sequences",
    output_name: str = "output",
    audio_first: bool = True,
    fixed_batch: int | None = None,
) -> Path:
    """Write the tiny graph to path and return it; names and input order are settable so
    tests can mimic different exports, and fixed_batch fixes the batch dimension."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    weights = {
        "face_w1": rng.normal(0, 0.2, (HIDDEN_CHANNELS, FACE_CHANNELS, 3, 3)),
        "face_b1": rng.normal(0, 0.1, (HIDDEN_CHANNELS,)),
        "face_w2": rng.normal(0, 0.2, (3, HIDDEN_CHANNELS, 3, 3)),
        "face_b2": rng.normal(0, 0.1, (3,)),
        "audio_w": rng.normal(0, 0.01, (3, 1, N_MELS, MEL_WINDOW_STEPS)),
        "audio_b": rng.normal(0, 0.1, (3,)),
    }
    initializers = [
        numpy_helper.from_array(value.astype(np.float32), name) for name, value in weights.items()
    ]
    batch: int | str = fixed_batch if fixed_batch is not None else "batch"
    audio = helper.make_tensor_value_info(
        audio_name, TensorProto.FLOAT, [batch, 1, N_MELS, MEL_WINDOW_STEPS]
    )
    face = helper.make_tensor_value_info(
        face_name, TensorProto.FLOAT, [batch, FACE_CHANNELS, FACE_SIZE_PX, FACE_SIZE_PX]
    )
    output = helper.make_tensor_value_info(
        output_name, TensorProto.FLOAT, [batch, 3, FACE_SIZE_PX, FACE_SIZE_PX]
    )
    nodes = [
        helper.make_node("Conv", [face_name, "face_w1", "face_b1"], ["h1"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["h1"], ["h1_relu"]),
        helper.make_node("Conv", ["h1_relu", "face_w2", "face_b2"], ["h2"], pads=[1, 1, 1, 1]),
        helper.make_node("Conv", [audio_name, "audio_w", "audio_b"], ["a1"]),
        helper.make_node("Add", ["h2", "a1"], ["summed"]),
        helper.make_node("Sigmoid", ["summed"], [output_name]),
    ]
    inputs = [audio, face] if audio_first else [face, audio]
    graph = helper.make_graph(nodes, "tiny_wav2lip", inputs, [output], initializers)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="filmstudio-tests"
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
    return path
