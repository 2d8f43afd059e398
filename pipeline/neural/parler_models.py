"""Registry entries of Indic Parler-TTS narration: the model and its description tokenizer."""

from __future__ import annotations

from pipeline.neural.model_spec import ModelSpec, hf_files

_INDIC_PARLER_REPO = "ai4bharat/indic-parler-tts"
_INDIC_PARLER_FOLDER = "indic-parler-tts"
# The repo's files as its Hugging Face file listing shows them (no digests are published
# where we could read them, so the files are not pinned to a commit).
_INDIC_PARLER_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
)

INDIC_PARLER_TTS = ModelSpec(
    name="indic-parler-tts",
    stage="tts",
    backend="parler-torch",
    source=f"hf:{_INDIC_PARLER_REPO}",
    folder=_INDIC_PARLER_FOLDER,
    files=hf_files(_INDIC_PARLER_REPO, _INDIC_PARLER_FILES),
    approx_size_mb=3780,
    licence="Apache-2.0 (ai4bharat/indic-parler-tts model card)",
    commercial_use="yes",
    licence_note=(
        "Apache-2.0 weights (AI4Bharat and Hugging Face); a public survey of the Hub reports "
        "the repo as gated: accept its terms on Hugging Face and set HF_TOKEN."
    ),
    gated=True,
    notes=(
        "Indic Parler-TTS (0.9B, F32): flan-t5-large description encoder, 24-layer decoder "
        "over 9 DAC codebooks, 44.1 kHz. Run by the studio's own code on torch + "
        "transformers (pipeline.speech.parler_model); needs "
        "indic-parler-tts-description-tokenizer beside it."
    ),
)

_FLAN_T5_REPO = "google/flan-t5-large"
INDIC_PARLER_DESCRIPTION_TOKENIZER = ModelSpec(
    name="indic-parler-tts-description-tokenizer",
    stage="tts",
    backend="parler-torch",
    source=f"hf:{_FLAN_T5_REPO}",
    folder=f"{_INDIC_PARLER_FOLDER}/description-tokenizer",
    files=hf_files(
        _FLAN_T5_REPO,
        ("special_tokens_map.json", "spiece.model", "tokenizer.json", "tokenizer_config.json"),
    ),
    approx_size_mb=3,
    licence="Apache-2.0 (google/flan-t5-large model card)",
    commercial_use="yes",
    notes=(
        "The tokenizer of Indic Parler-TTS's description encoder: parler-tts loads it by the "
        "name in text_encoder._name_or_path (google/flan-t5-large)."
    ),
)

INDIC_PARLER_SPECS: tuple[ModelSpec, ...] = (INDIC_PARLER_TTS, INDIC_PARLER_DESCRIPTION_TOKENIZER)
"""Every part Indic Parler-TTS narration loads; the commercial gate checks each."""
