"""A tiny seeded ONNX graph with Kokoro's exact inputs and output, for tests, notebooks and
benchmarks, written as a MODEL_DIR/kokoro folder (kokoro.onnx, vocab.json, voices.npz).

It is not a speech model. Like Kokoro it embeds the tokens, adds a projection of the style
vector, predicts frames per token (sigmoid, sum, divided by the speed, rounded, at least one,
cast to int64 under Kokoro's own tensor name, so the loader's duration output works) and
expands every token to its frames of SAMPLES_PER_FRAME samples: a tone whose pitch each token
sets. So audio length, word timings, speed and voice all behave as with the real model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pipeline.speech.kokoro_choice import PACKAGED_TABLES
from pipeline.speech.kokoro_model import (
    DURATIONS_TENSOR,
    FOLDER,
    MODEL_FILE,
    SAMPLE_RATE,
    SAMPLES_PER_FRAME,
    STYLE_SIZE,
    VOCAB_FILE,
    VOICES_FILE,
)

OPSET = 17
HIDDEN = 8
"""Width of the token embedding."""
FRAME_SCALE = 0.75
"""Frames per token = FRAME_SCALE x a sum of HIDDEN sigmoids (about three on average)."""
STYLE_ROWS = 64
"""Rows of each tiny voice table (longer sentences use the last row)."""
SYMBOLS = (
    ';:,.!?—…"()“” '
    "abcdefhijklmnopqrstuvwxyzAIOQSTWYʣʥʦʨᵝꭧᵊ"
    "ɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓→↗↘ᵻ\u0303"
)
"""The tiny vocabulary: punctuation, the space and the IPA letters espeak-ng writes."""


def tiny_vocab() -> dict[str, int]:
    """Each symbol's token id (0 is the pad)."""
    return {symbol: index for index, symbol in enumerate(dict.fromkeys(SYMBOLS), start=1)}


def tiny_kokoro_graph(vocab_size: int, seed: int = 0) -> bytes:
    """The serialised tiny graph: tokens [1, T], style [1, 256], speed [1] -> audio [N]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    weights = {
        "embed": rng.normal(0, 1.0, (vocab_size, HIDDEN)),
        "style_w": rng.normal(0, 0.1, (STYLE_SIZE, HIDDEN)),
        "dur_w": rng.normal(0, 1.0, (HIDDEN, HIDDEN)),
        "pitch_w": rng.normal(0, 1.0, (HIDDEN, 1)),
        "seconds": np.arange(SAMPLES_PER_FRAME) / SAMPLE_RATE,
    }
    constants = {
        "frame_scale": np.array(FRAME_SCALE),
        "one": np.array(1.0),
        "two_pi": np.array(2 * np.pi),
        "base_hz": np.array(110.0),
        "span_hz": np.array(220.0),
        "level": np.array(0.3),
    }
    initializers = [
        numpy_helper.from_array(np.asarray(v, dtype=np.float32), k)
        for k, v in {**weights, **constants}.items()
    ]
    for name, value in {
        "axis0": [0],
        "axis1": [1],
        "last": [-1],
        "flat": [-1],
        "zero": 0,
        "step": 1,
        "cum_axis": 0,
    }.items():
        initializers.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
    node = helper.make_node
    nodes = [
        node("Gather", ["embed", "tokens"], ["emb"]),
        node("MatMul", ["style", "style_w"], ["style_h"]),
        node("Unsqueeze", ["style_h", "axis1"], ["style_3d"]),
        node("Add", ["emb", "style_3d"], ["h_sum"]),
        node("Tanh", ["h_sum"], ["h"]),
        node("MatMul", ["h", "dur_w"], ["dur_logits"]),
        node("Sigmoid", ["dur_logits"], ["dur_sig"]),
        node("ReduceSum", ["dur_sig", "last"], ["dur_sum"], keepdims=0),
        node("Mul", ["dur_sum", "frame_scale"], ["dur_scaled"]),
        node("Div", ["dur_scaled", "speed"], ["dur_speed"]),
        node("Round", ["dur_speed"], ["dur_round"]),
        node("Clip", ["dur_round", "one"], ["dur_clip"]),
        node("Cast", ["dur_clip"], [DURATIONS_TENSOR], to=TensorProto.INT64),
        node("Squeeze", [DURATIONS_TENSOR, "axis0"], ["frames_per_token"]),
        node("CumSum", ["frames_per_token", "cum_axis"], ["token_ends"]),
        node("ReduceSum", ["frames_per_token"], ["total_frames"], keepdims=0),
        node("Range", ["zero", "total_frames", "step"], ["frame_index"]),
        node("Unsqueeze", ["frame_index", "axis1"], ["frame_col"]),
        node("Unsqueeze", ["token_ends", "axis0"], ["ends_row"]),
        node("GreaterOrEqual", ["frame_col", "ends_row"], ["past"]),
        node("Cast", ["past"], ["past_int"], to=TensorProto.INT64),
        node("ReduceSum", ["past_int", "axis1"], ["frame_token"], keepdims=0),
        node("MatMul", ["h", "pitch_w"], ["pitch_logit"]),
        node("Sigmoid", ["pitch_logit"], ["pitch_sig"]),
        node("Reshape", ["pitch_sig", "flat"], ["token_pitch"]),
        node("Gather", ["token_pitch", "frame_token"], ["frame_pitch"]),
        node("Mul", ["frame_pitch", "span_hz"], ["pitch_span"]),
        node("Add", ["pitch_span", "base_hz"], ["frame_hz"]),
        node("Unsqueeze", ["frame_hz", "axis1"], ["hz_col"]),
        node("Mul", ["hz_col", "seconds"], ["cycles"]),
        node("Mul", ["cycles", "two_pi"], ["phase"]),
        node("Sin", ["phase"], ["wave"]),
        node("Mul", ["wave", "level"], ["scaled"]),
        node("Reshape", ["scaled", "flat"], ["audio"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_kokoro",
        [
            helper.make_tensor_value_info("tokens", TensorProto.INT64, [1, "sequence_length"]),
            helper.make_tensor_value_info("style", TensorProto.FLOAT, [1, STYLE_SIZE]),
            helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1]),
        ],
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, ["audio_length"])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def write_tiny_kokoro(model_dir: Path, seed: int = 0) -> Path:
    """Write MODEL_DIR/kokoro with the tiny graph, its vocabulary and seeded voice tables
    named like the packaged ones; returns the folder."""
    folder = model_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    vocab = tiny_vocab()
    (folder / MODEL_FILE).write_bytes(tiny_kokoro_graph(max(vocab.values()) + 1, seed))
    (folder / VOCAB_FILE).write_text(json.dumps({"vocab": vocab}, ensure_ascii=False))
    rng = np.random.default_rng(seed + 1)
    voices = {
        name: rng.normal(0, 1.0, (STYLE_ROWS, 1, STYLE_SIZE)).astype(np.float32)
        for name in PACKAGED_TABLES
    }
    with (folder / VOICES_FILE).open("wb") as handle:
        np.savez(handle, **voices)  # type: ignore[arg-type]
    return folder
