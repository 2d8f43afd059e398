"""Loading a Parler-TTS checkpoint (ai4bharat/indic-parler-tts) on torch and transformers.

The folder holds the repo's files (config.json, generation_config.json, model.safetensors
and the transcript's tokenizer) and, in DESCRIPTION_TOKENIZER_FOLDER, the tokenizer of the
description encoder (google/flan-t5-large's; parler-tts loads it by the name in
text_encoder._name_or_path, the studio keeps a copy beside the weights). One safetensors file
holds every part, under the names parler-tts' ParlerTTSForConditionalGeneration gives them:

    text_encoder.*               T5 encoder of the voice description (T5EncoderModel)
    enc_to_dec_proj.{weight,bias} only when the encoder and decoder widths differ
    embed_prompts.weight         transcript token embeddings
    embed_positions.weights      only with prompt_cross_attention
    decoder.model.decoder.*      the codebook decoder (pipeline.speech.parler_decoder)
    decoder.lm_heads.{k}.weight  one head per codebook (or decoder.lm_heads.weight, fused)
    audio_encoder.model.*        the DAC codec (pipeline.speech.parler_dac)

Weights run in bfloat16 on a GPU that has it (float16 on one that does not) and float32 on
the CPU; the codec always runs in float32. Nothing is fetched: a missing file or a checkpoint
that does not fit raises BackendUnavailableError in one sentence.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import BackendUnavailableError
from pipeline.neural.torch_device import Device, select_device
from pipeline.neural.weight_files import missing_alternatives, require_complete
from pipeline.speech.parler_config import CONFIG_FILE, ParlerSettings, read_settings
from pipeline.speech.parler_dac import load_dac
from pipeline.speech.parler_decoder import DecoderWeights, sinusoids

if TYPE_CHECKING:
    import torch

WEIGHTS_FILE = "model.safetensors"
DESCRIPTION_TOKENIZER_FOLDER = "description-tokenizer"
"""Subfolder with the description encoder's tokenizer (google/flan-t5-large)."""
DECODER_PREFIX = "decoder.model.decoder."
TEXT_ENCODER_PREFIX = "text_encoder."
_REQUIRED: tuple[tuple[str, ...], ...] = (
    (CONFIG_FILE,),
    (WEIGHTS_FILE,),
    ("tokenizer_config.json",),
    ("tokenizer.json", "tokenizer.model", "spiece.model"),
    (f"{DESCRIPTION_TOKENIZER_FOLDER}/tokenizer_config.json",),
    (
        f"{DESCRIPTION_TOKENIZER_FOLDER}/tokenizer.json",
        f"{DESCRIPTION_TOKENIZER_FOLDER}/spiece.model",
    ),
)


@dataclass(frozen=True, eq=False)
class ParlerModel:
    """A loaded Parler-TTS, never changed after loading; generation holds `lock`."""

    settings: ParlerSettings
    text_encoder: Any
    """transformers T5EncoderModel of the description."""
    decoder: DecoderWeights
    embed_prompts: torch.Tensor
    enc_to_dec: tuple[torch.Tensor, torch.Tensor] | None
    prompt_positions: torch.Tensor | None
    codec: Any
    """transformers DacModel (float32)."""
    prompt_tokenizer: Any
    description_tokenizer: Any
    device: Device
    dtype: torch.dtype
    source: str
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def sample_rate(self) -> int:
        return self.settings.codec.sampling_rate


def missing_files(folder: Path) -> list[str]:
    """Files the Parler-TTS folder lacks (empty list: complete)."""
    return missing_alternatives(folder, _REQUIRED)


def run_dtype(device: Device) -> torch.dtype:
    """bfloat16 on a GPU that supports it (T5 overflows in float16), else float16 there;
    float32 on the CPU."""
    import torch

    if device != "cuda":
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


_LOAD_LOCK = threading.Lock()


def load(folder: Path, device: str | None = None) -> ParlerModel:
    """The Parler-TTS in folder on device (None: CUDA when usable), loaded once per process."""
    require_complete(folder, missing_files(folder), "Parler-TTS")
    with _LOAD_LOCK:
        return _load_cached(folder.resolve(), select_device(device))


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device="cpu")
    except (OSError, SafetensorError) as error:
        raise BackendUnavailableError(
            f"The Parler-TTS weights {path} are unreadable ({error})."
        ) from error


def _take(tensors: dict[str, torch.Tensor], name: str) -> torch.Tensor:
    if name not in tensors:
        raise BackendUnavailableError(f"The Parler-TTS checkpoint lacks the tensor {name!r}.")
    return tensors[name]


def _text_encoder(tensors: dict[str, torch.Tensor], settings: ParlerSettings) -> Any:
    import torch
    from transformers import T5Config, T5EncoderModel

    config = {k: v for k, v in settings.text_encoder.items() if not k.startswith("_")}
    with torch.device("meta"):
        model = T5EncoderModel(T5Config(**config))
    state = {
        key[len(TEXT_ENCODER_PREFIX) :]: value
        for key, value in tensors.items()
        if key.startswith(TEXT_ENCODER_PREFIX)
    }
    # The shared embedding is saved once, under either of its two tied names.
    shared = state.get("shared.weight", state.get("encoder.embed_tokens.weight"))
    if shared is None:
        raise BackendUnavailableError("The Parler-TTS checkpoint lacks the T5 embeddings.")
    state["shared.weight"] = state["encoder.embed_tokens.weight"] = shared
    expected = set(model.state_dict())
    missing = sorted(expected - set(state))
    if missing:
        raise BackendUnavailableError(
            f"The Parler-TTS description encoder lacks {len(missing)} weights ({missing[0]})."
        )
    model.load_state_dict({k: state[k] for k in expected}, strict=True, assign=True)
    model.encoder.embed_tokens = model.shared
    model.eval()  # type: ignore[no-untyped-call]
    return model


def _decoder(
    tensors: dict[str, torch.Tensor], settings: ParlerSettings, device: Device, dtype: Any
) -> DecoderWeights:
    import torch

    s = settings.decoder
    names = [f"embed_tokens.{k}.weight" for k in range(s.num_codebooks)]
    names += ["layer_norm.weight", "layer_norm.bias"]
    for i in range(s.num_hidden_layers):
        for attn in ("self_attn", "encoder_attn"):
            names += [f"layers.{i}.{attn}.{p}_proj.weight" for p in ("q", "k", "v", "out")]
        for norm in ("self_attn_layer_norm", "encoder_attn_layer_norm", "final_layer_norm"):
            names += [f"layers.{i}.{norm}.weight", f"layers.{i}.{norm}.bias"]
        names += [f"layers.{i}.fc1.weight", f"layers.{i}.fc2.weight"]
    weights = {
        name: _take(tensors, DECODER_PREFIX + name).to(device=device, dtype=dtype) for name in names
    }
    if s.use_fused_lm_heads:
        fused = _take(tensors, "decoder.lm_heads.weight")
        heads = fused.view(s.num_codebooks, s.vocab_size, s.hidden_size)
    else:
        heads = torch.stack(
            [_take(tensors, f"decoder.lm_heads.{k}.weight") for k in range(s.num_codebooks)]
        )
    positions = None
    if not s.rope_embeddings:
        stored = tensors.get(DECODER_PREFIX + "embed_positions.weights")
        table = (
            stored if stored is not None else sinusoids(s.max_position_embeddings, s.hidden_size)
        )
        positions = table.to(device=device, dtype=torch.float32)
    return DecoderWeights(s, weights, positions, heads.to(device=device, dtype=dtype))


def _tokenizer(folder: Path) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as error:
        raise BackendUnavailableError(
            f"The Parler-TTS tokenizer in {folder} does not load ({error})."
        ) from error


@cache
def _load_cached(folder: Path, device: Device) -> ParlerModel:
    try:
        import torch
    except ImportError as error:
        raise BackendUnavailableError(
            "Parler-TTS needs torch and transformers (torch is not installed)."
        ) from error
    settings = read_settings(folder)
    dtype = run_dtype(device)
    tensors = _read_tensors(folder / WEIGHTS_FILE)
    text_encoder = _text_encoder(tensors, settings).to(device=device, dtype=dtype)
    decoder = _decoder(tensors, settings, device, dtype)
    enc_to_dec = None
    if "enc_to_dec_proj.weight" in tensors:
        enc_to_dec = (
            tensors["enc_to_dec_proj.weight"].to(device=device, dtype=dtype),
            _take(tensors, "enc_to_dec_proj.bias").to(device=device, dtype=dtype),
        )
    elif int(settings.text_encoder.get("d_model", 0)) != settings.decoder.hidden_size:
        raise BackendUnavailableError(
            "The Parler-TTS checkpoint lacks enc_to_dec_proj for its differing widths."
        )
    prompt_positions = None
    if settings.prompt_cross_attention:
        stored = tensors.get("embed_positions.weights")
        table = (
            stored
            if stored is not None
            else sinusoids(settings.decoder.max_position_embeddings, settings.decoder.hidden_size)
        )
        prompt_positions = table.to(device=device, dtype=torch.float32)
    codec = load_dac(tensors, settings.codec).to(device)
    return ParlerModel(
        settings=settings,
        text_encoder=text_encoder,
        decoder=decoder,
        embed_prompts=_take(tensors, "embed_prompts.weight").to(device=device, dtype=dtype),
        enc_to_dec=enc_to_dec,
        prompt_positions=prompt_positions,
        codec=codec,
        prompt_tokenizer=_tokenizer(folder),
        description_tokenizer=_tokenizer(folder / DESCRIPTION_TOKENIZER_FOLDER),
        device=device,
        dtype=dtype,
        source=str(folder),
    )
