"""Registry entry of the word aligner: Whisper small, for narration whose TTS gives no word
timings (pipeline.speech.word_alignment)."""

from __future__ import annotations

from pipeline.neural.model_spec import ModelSpec, hf_files

_WHISPER_SMALL_REPO = "openai/whisper-small"
WHISPER_ALIGNER = ModelSpec(
    name="whisper-small-aligner",
    stage="tts",
    backend="whisper-alignment-transformers",
    source=f"hf:{_WHISPER_SMALL_REPO}",
    folder="whisper-small",
    files=hf_files(
        _WHISPER_SMALL_REPO,
        (
            "config.json",
            "generation_config.json",
            "model.safetensors",
            "preprocessor_config.json",
            "tokenizer.json",
        ),
    ),
    approx_size_mb=970,
    licence="Apache-2.0 (openai/whisper-small model card; openai/whisper code and weights MIT)",
    commercial_use="yes",
    notes=(
        "Multilingual Whisper small (244M), used only to align narration whose TTS gives no "
        "word timings (Indic Parler-TTS, piper): the decoder reads the known text and its "
        "alignment heads' cross-attention places each word (pipeline.speech.word_alignment)."
    ),
)
