"""A tiny piper voice built in code: an ONNX graph with piper's exact inputs and output.

Inputs ``input`` int64 [1, N] phoneme ids, ``input_lengths`` int64 [1], ``scales`` float32 [3]
(noise, length, noise_w) and, for multi-speaker voices, ``sid`` int64 [1]; output float32
[1, 1, T]. Like VITS, each phoneme id lasts ``HOP_LENGTH * length_scale`` samples; each id has
a seeded pitch, so the audio depends on the text, the rate and the speaker.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HOP_LENGTH = 256
SAMPLE_RATE_HZ = 22_050
OPSET = 17
ONNX_IR_VERSION = 8


def _const(name: str, value: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))


def tiny_voice_graph(num_symbols: int, multi_speaker: bool, seed: int = 0) -> onnx.ModelProto:
    """The ONNX model of the tiny voice."""
    rng = np.random.default_rng(seed)
    pitch_hz = rng.uniform(110.0, 330.0, num_symbols).astype(np.float32)
    f32, i64 = np.float32, np.int64
    nodes = [
        _const("hop", np.array(HOP_LENGTH, f32)),
        _const("rate", np.array(SAMPLE_RATE_HZ, f32)),
        _const("two_pi", np.array(2 * np.pi, f32)),
        _const("one_i", np.array(1, i64)),
        _const("zero_i", np.array(0, i64)),
        _const("idx_length", np.array(1, i64)),
        _const("idx_noise", np.array(0, i64)),
        _const("axis0", np.array([0], i64)),
        _const("pitch_table", pitch_hz),
        _const("out_shape", np.array([1, 1, -1], i64)),
        _const("amp_base", np.array(0.5, f32)),
        _const("amp_noise", np.array(0.1, f32)),
        helper.make_node("Gather", ["scales", "idx_length"], ["length_scale"]),
        helper.make_node("Gather", ["scales", "idx_noise"], ["noise_scale"]),
        helper.make_node("Mul", ["hop", "length_scale"], ["samples_per_id"]),
        helper.make_node("Shape", ["input"], ["input_shape"]),
        helper.make_node("Gather", ["input_shape", "one_i"], ["n_ids"]),
        helper.make_node("Cast", ["n_ids"], ["n_ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["n_ids_f", "samples_per_id"], ["total_f"]),
        helper.make_node("Floor", ["total_f"], ["total_floor"]),
        helper.make_node("Cast", ["total_floor"], ["total"], to=TensorProto.INT64),
        helper.make_node("Range", ["zero_i", "total", "one_i"], ["t_i"]),
        helper.make_node("Cast", ["t_i"], ["t"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["t", "samples_per_id"], ["pos"]),
        helper.make_node("Floor", ["pos"], ["pos_floor"]),
        helper.make_node("Cast", ["pos_floor"], ["pos_i"], to=TensorProto.INT64),
        helper.make_node("Sub", ["n_ids", "one_i"], ["last_id"]),
        helper.make_node("Min", ["pos_i", "last_id"], ["pos_clamped"]),
        helper.make_node("Squeeze", ["input", "axis0"], ["ids"]),
        helper.make_node("Gather", ["ids", "pos_clamped"], ["sample_ids"]),
        helper.make_node("Gather", ["pitch_table", "sample_ids"], ["pitch"]),
    ]
    pitch = "pitch"
    if multi_speaker:
        nodes += [
            _const("speaker_step", np.array(0.25, f32)),
            _const("one_f", np.array(1.0, f32)),
            helper.make_node("Cast", ["sid"], ["sid_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["sid_f", "speaker_step"], ["speaker_shift"]),
            helper.make_node("Add", ["one_f", "speaker_shift"], ["speaker_factor"]),
            helper.make_node("Mul", ["pitch", "speaker_factor"], ["speaker_pitch"]),
        ]
        pitch = "speaker_pitch"
    nodes += [
        helper.make_node("Mul", [pitch, "t"], ["cycles_rate"]),
        helper.make_node("Div", ["cycles_rate", "rate"], ["cycles"]),
        helper.make_node("Mul", ["cycles", "two_pi"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["noise_scale", "amp_noise"], ["amp_extra"]),
        helper.make_node("Add", ["amp_base", "amp_extra"], ["amp"]),
        helper.make_node("Mul", ["wave", "amp"], ["audio"]),
        helper.make_node("Reshape", ["audio", "out_shape"], ["output"]),
    ]
    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if multi_speaker:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "time"])]
    graph = helper.make_graph(nodes, "tiny_piper_voice", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = ONNX_IR_VERSION
    onnx.checker.check_model(model)
    return model


def write_tiny_voice(
    folder: Path, name: str, espeak_voice: str = "en-us", speakers: tuple[str, ...] = ()
) -> Path:
    """Write NAME.onnx and NAME.onnx.json (piper's config format) into folder; return the model path."""
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    num_symbols = max(i for ids in DEFAULT_PHONEME_ID_MAP.values() for i in ids) + 1
    folder.mkdir(parents=True, exist_ok=True)
    model_path = folder / f"{name}.onnx"
    onnx.save(tiny_voice_graph(num_symbols, multi_speaker=len(speakers) > 1), model_path)
    config = {
        "audio": {"sample_rate": SAMPLE_RATE_HZ, "quality": "x_low"},
        "espeak": {"voice": espeak_voice},
        "language": {"code": espeak_voice},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": num_symbols,
        "num_speakers": max(1, len(speakers)),
        "speaker_id_map": {speaker: i for i, speaker in enumerate(speakers)}
        if len(speakers) > 1
        else {},
        "hop_length": HOP_LENGTH,
        "piper_version": "1.0.0",
    }
    model_path.with_name(model_path.name + ".json").write_text(
        json.dumps(config, ensure_ascii=False)
    )
    return model_path
