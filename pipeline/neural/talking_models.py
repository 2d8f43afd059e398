"""Registry entries of the InfiniteTalk talking-character backend (pipeline.talking).

InfiniteTalk (MeiGen-AI) is three downloads that sit together under MODEL_DIR/infinitetalk:
its audio adapter (audio projection + per-block audio cross-attention, trained on top of
Wan2.1-I2V-14B-480P), the wav2vec2 speech encoder it was trained with, and the Wan2.1 base in
diffusers layout. Licences were read from each project's own text; see each licence_note.
"""

from __future__ import annotations

from pipeline.neural.model_spec import ModelFile, ModelSpec, hf_files, hf_url

INFINITETALK_FOLDER = "infinitetalk"
"""The three parts sit under MODEL_DIR/infinitetalk in these sub-folders."""
ADAPTER_PATH = "single/infinitetalk.safetensors"
"""The single-speaker adapter, as the InfiniteTalk README's commands name it."""
WAV2VEC_SUBFOLDER = "chinese-wav2vec2-base"
WAN_SUBFOLDER = "Wan2.1-I2V-14B-480P-Diffusers"

_ADAPTER_REPO = "MeiGen-AI/InfiniteTalk"
_WAV2VEC_REPO = "TencentGameMate/chinese-wav2vec2-base"
_WAV2VEC_SAFETENSORS_REVISION = "refs/pr/1"
"""The InfiniteTalk README downloads model.safetensors from this pull-request revision (main
holds only a pickled pytorch_model.bin)."""
_WAN21_REPO = "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers"

INFINITETALK_ADAPTER = ModelSpec(
    name="infinitetalk-single",
    stage="lipsync",
    backend="infinitetalk",
    source=f"hf:{_ADAPTER_REPO}",
    folder=INFINITETALK_FOLDER,
    files=hf_files(_ADAPTER_REPO, (ADAPTER_PATH,)),
    entry=ADAPTER_PATH,
    approx_size_mb=11000,
    licence="Apache-2.0 (github.com/MeiGen-AI/InfiniteTalk LICENSE.txt and README 'License')",
    commercial_use="yes",
    licence_note=(
        "Code Apache-2.0 (LICENSE.txt); the README says the models are Apache-2.0, claims no "
        "rights over generated content and forbids harmful or unlawful use of it."
    ),
    notes=(
        "Audio condition weights for Wan2.1-I2V-14B-480P: a moving, speaking character from one "
        "image and a speech clip (pipeline.talking.infinitetalk). The size is approximate."
    ),
)

WAV2VEC2_CHINESE_BASE = ModelSpec(
    name="chinese-wav2vec2-base",
    stage="lipsync",
    backend="infinitetalk",
    source=f"hf:{_WAV2VEC_REPO}",
    folder=f"{INFINITETALK_FOLDER}/{WAV2VEC_SUBFOLDER}",
    files=(
        *hf_files(_WAV2VEC_REPO, ("config.json", "preprocessor_config.json")),
        ModelFile(
            "model.safetensors",
            (hf_url(_WAV2VEC_REPO, "model.safetensors", _WAV2VEC_SAFETENSORS_REVISION),),
        ),
    ),
    approx_size_mb=380,
    licence="MIT (the Hugging Face card's metadata: `license: mit`)",
    commercial_use="yes",
    licence_note=(
        "MIT is the only licence statement: the card's metadata tag (there is no LICENSE "
        "file, and github.com/TencentGameMate/chinese_speech_pretrain has none either). The "
        "model was pre-trained on WenetSpeech, whose terms were not checked here."
    ),
    notes="The speech encoder InfiniteTalk was trained with (12 layers x 768 features).",
)

WAN21_I2V_14B_480P = ModelSpec(
    name="wan2.1-i2v-14b-480p",
    stage="lipsync",
    backend="infinitetalk",
    source=f"hf:{_WAN21_REPO}",
    folder=f"{INFINITETALK_FOLDER}/{WAN_SUBFOLDER}",
    files=hf_files(
        _WAN21_REPO,
        (
            "model_index.json",
            "scheduler/scheduler_config.json",
            "tokenizer/tokenizer_config.json",
            "text_encoder/config.json",
            "image_encoder/config.json",
            "image_processor/preprocessor_config.json",
            "vae/config.json",
            "vae/diffusion_pytorch_model.safetensors",
            "transformer/config.json",
            "transformer/diffusion_pytorch_model.safetensors.index.json",
        ),
    ),
    approx_size_mb=80000,
    licence="Apache-2.0 (https://huggingface.co/Wan-AI/Wan2.1-I2V-14B-480P, LICENSE.txt)",
    commercial_use="yes",
    licence_note="Apache-2.0 code and weights, as for Wan2.2 (wan2.2-ti2v-5b).",
    notes=(
        "Base model of InfiniteTalk, diffusers layout. Only the files every diffusers Wan I2V "
        "folder has are listed: the shards named by the index files (transformer, text "
        "encoder, image encoder) are not pinned here, so fetch the whole repo with "
        "`huggingface-cli download` into this folder; the backend checks every shard the "
        "indexes name before it loads."
    ),
)

INFINITETALK_SPECS = (INFINITETALK_ADAPTER, WAV2VEC2_CHINESE_BASE, WAN21_I2V_14B_480P)
