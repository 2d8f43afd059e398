"""Registry entries of the neural music backends: MusicGen (research only) and ACE-Step 1.5."""

from __future__ import annotations

from pipeline.neural.model_spec import ModelSpec, hf_files

_MUSICGEN_REPO = "facebook/musicgen-small"
_MUSICGEN_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "special_tokens_map.json",
    "spiece.model",
    "tokenizer.json",
    "tokenizer_config.json",
)

MUSICGEN_SMALL = ModelSpec(
    name="musicgen-small",
    stage="music",
    backend="musicgen-transformers",
    source=f"hf:{_MUSICGEN_REPO}",
    folder="musicgen-small",
    files=hf_files(_MUSICGEN_REPO, _MUSICGEN_FILES),
    approx_size_mb=2400,
    licence="CC-BY-NC-4.0 (weights); code MIT",
    commercial_use="no",
    licence_note="Meta's MusicGen weights are licensed for non-commercial use only.",
    notes="Load with transformers MusicgenForConditionalGeneration.from_pretrained(folder).",
)

_ACESTEP_REPO = "ACE-Step/acestep-v15-xl-turbo-diffusers"
_ACESTEP_REVISION = "200ba991ae448051e14b0183157e35c2d27c9fb0"
# The 19 files of that commit. Their sha256 are not known here, so none is written: the
# download manifest records what was fetched and `filmstudio models verify` checks against it.
_ACESTEP_FILES = (
    "model_index.json",
    "scheduler/scheduler_config.json",
    "condition_encoder/config.json",
    "condition_encoder/diffusion_pytorch_model.safetensors",
    "text_encoder/config.json",
    "text_encoder/model.safetensors",
    "tokenizer/added_tokens.json",
    "tokenizer/chat_template.jinja",
    "tokenizer/merges.txt",
    "tokenizer/special_tokens_map.json",
    "tokenizer/tokenizer.json",
    "tokenizer/tokenizer_config.json",
    "tokenizer/vocab.json",
    "transformer/config.json",
    "transformer/diffusion_pytorch_model-00001-of-00002.safetensors",
    "transformer/diffusion_pytorch_model-00002-of-00002.safetensors",
    "transformer/diffusion_pytorch_model.safetensors.index.json",
    "vae/config.json",
    "vae/diffusion_pytorch_model.safetensors",
)

ACESTEP_XL_TURBO = ModelSpec(
    name="acestep-1.5-xl-turbo",
    stage="music",
    backend="acestep-diffusers",
    source=f"hf:{_ACESTEP_REPO}",
    folder="acestep-v15-xl-turbo-diffusers",
    files=hf_files(_ACESTEP_REPO, _ACESTEP_FILES, _ACESTEP_REVISION),
    approx_size_mb=11000,
    licence="MIT (ACE-Step 1.5 weights); text encoder Qwen3-Embedding-0.6B: Apache-2.0",
    commercial_use="yes",
    licence_note=(
        "MIT weights and an Apache-2.0 text encoder: the generated music may be used commercially."
    ),
    notes=(
        "Text to music, 48 kHz stereo, 10 s to 10 min per generation: 8 turbo steps with "
        "shift 3.0, bf16 on a GPU. Pinned to commit 200ba99 of the repo, about 11 GB; the "
        "transformer comes in 2 shards. Load with diffusers (0.42 or newer) "
        "AceStepPipeline.from_pretrained(folder)."
    ),
)
