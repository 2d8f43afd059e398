"""The registry of neural model weights: what each backend needs, where it lives, its licence.

Every neural backend loads from a folder under MODEL_DIR and never from a hub at run time.
This module knows, for each model: its stage and backend, where to fetch it (a Hugging Face
repo id with files, or plain HTTPS URLs), the local folder, the approximate size, the licence
and whether commercial use is allowed (several popular weights are non-commercial).
Fetching and verifying the files is pipeline.neural.downloads.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import UnknownModelError
from pipeline.neural.alignment_models import WHISPER_ALIGNER as WHISPER_ALIGNER
from pipeline.neural.model_spec import (
    WHEEL_MEMBER_PREFIX,
    ModelFile,
    ModelSpec,
    Stage,
    hf_files,
    hf_pinned_files,
    hf_url,
    packaged_models_dir,
)
from pipeline.neural.music_models import ACESTEP_XL_TURBO as ACESTEP_XL_TURBO
from pipeline.neural.music_models import MUSICGEN_SMALL as MUSICGEN_SMALL
from pipeline.neural.packaged import PackagedModel
from pipeline.neural.parler_models import INDIC_PARLER_SPECS as INDIC_PARLER_SPECS
from pipeline.neural.parler_models import INDIC_PARLER_TTS as INDIC_PARLER_TTS
from pipeline.neural.piper_voices import PIPER_VOICES, piper_specs
from pipeline.neural.speech_models import SPEECH_PACKAGED_MODELS
from pipeline.neural.talking_models import INFINITETALK_SPECS
from pipeline.neural.weight_files import is_nonempty_file

# --- the known models ----------------------------------------------------------------------

_WAV2LIP_HF_REPO = "facefusion/models-3.0.0"
_WAV2LIP_GITHUB = "https://github.com/facefusion/facefusion-assets/releases/download/models-3.0.0"

WAV2LIP = ModelSpec(
    name="wav2lip-gan-96",
    stage="lipsync",
    backend="wav2lip-onnxruntime",
    source=f"hf:{_WAV2LIP_HF_REPO} (mirror: facefusion-assets GitHub release models-3.0.0)",
    folder="wav2lip",
    files=(
        ModelFile(
            "wav2lip_gan_96.onnx",
            (
                hf_url(_WAV2LIP_HF_REPO, "wav2lip_gan_96.onnx"),
                f"{_WAV2LIP_GITHUB}/wav2lip_gan_96.onnx",
            ),
        ),
    ),
    entry="wav2lip_gan_96.onnx",
    approx_size_mb=140,
    licence="Wav2Lip weights: personal/research/non-commercial use only (Rudrabha/Wav2Lip)",
    commercial_use="no",
    licence_note=(
        "The weights were trained on LRS2 and are released for non-commercial use; "
        "commercial lip-sync needs a licence from the authors (Sync Labs)."
    ),
    notes="ONNX export of Wav2Lip-GAN: inputs (B,1,80,16) mel and (B,6,96,96) faces (BGR).",
)

_SVD_LICENCE = "Stability AI Community License (stable-video-diffusion-community)"
_SVD_NOTE = (
    "Free for research, non-commercial use and commercial use by individuals or "
    "organisations with under USD 1M annual revenue; above that an Enterprise licence from "
    "Stability AI is required. The repo is gated: accept the licence and set HF_TOKEN."
)
_SVD_FILES = (
    "model_index.json",
    "feature_extractor/preprocessor_config.json",
    "image_encoder/config.json",
    "image_encoder/model.fp16.safetensors",
    "scheduler/scheduler_config.json",
    "unet/config.json",
    "unet/diffusion_pytorch_model.fp16.safetensors",
    "vae/config.json",
    "vae/diffusion_pytorch_model.fp16.safetensors",
)


def _svd(name: str, repo: str, frames: int) -> ModelSpec:
    return ModelSpec(
        name=name,
        stage="visuals",
        backend="svd-diffusers",
        source=f"hf:{repo}",
        folder=repo.split("/", 1)[1],
        files=hf_files(repo, _SVD_FILES),
        approx_size_mb=4500,
        licence=_SVD_LICENCE,
        commercial_use="conditional",
        licence_note=_SVD_NOTE,
        gated=True,
        notes=(
            f"{frames} frames per clip at 576x1024. Load with diffusers "
            'StableVideoDiffusionPipeline.from_pretrained(folder, variant="fp16").'
        ),
    )


SVD_IMG2VID_XT = _svd("svd-img2vid-xt", "stabilityai/stable-video-diffusion-img2vid-xt", 25)
SVD_IMG2VID = _svd("svd-img2vid", "stabilityai/stable-video-diffusion-img2vid", 14)

_WAN_REPO = "Wan-AI/Wan2.2-TI2V-5B-Diffusers"
_WAN_REVISION = "b8fff7315c768468a5333511427288870b2e9635"
# Names and sha256 of that commit's files (the Hub's LFS ids), as two independent public
# download manifests of this repo list them; the loader checks every file against them.
_WAN_FILES = {
    "model_index.json": "6a72faeb564b0e894aea8fc4ef27241106eb739e8584e869b61589a65473add7",
    "scheduler/scheduler_config.json": (
        "571a3eed68bcd943a61b9fea8efa9e141472216ada59f928c8b5128ce24b32e0"
    ),
    "tokenizer/special_tokens_map.json": (
        "456b58fd240a06c743a7c2cf8008bec501240d68ebd1fc4018ea569505fea270"
    ),
    "tokenizer/spiece.model": "e3909a67b780650b35cf529ac782ad2b6b26e6d1f849d3fbb6a872905f452458",
    "tokenizer/tokenizer.json": "20a46ac256746594ed7e1e3ef733b83fbc5a6f0922aa7480eda961743de080ef",
    "tokenizer/tokenizer_config.json": (
        "1d8d2a216bf8e70ac15b7ddcea566c4dd0433c024b39a58ca5e4c66bd78defbd"
    ),
    "text_encoder/config.json": "a2bcb24699f6c009a2427432bdd483ef8b2b42a712abc9503759cdc77d171f07",
    "text_encoder/model.safetensors.index.json": (
        "31c4c7bcce679eaa0dd4667462394ddb013dc2f748e0bffc893dc9146a320dab"
    ),
    "text_encoder/model-00001-of-00003.safetensors": (
        "a8e861969c7433e707cc5a74065d795d36cca07ec96eb6763eb4083df7248f58"
    ),
    "text_encoder/model-00002-of-00003.safetensors": (
        "d57d948ece4837d850b7a859a4415121d57cacf8b9ee1d4db200c67f592902d7"
    ),
    "text_encoder/model-00003-of-00003.safetensors": (
        "0da9ee284e21d1406df708788db1d502d95d75f69faa25cd26151bf8829b7c5f"
    ),
    "transformer/config.json": "dc00d9866e72cf77db6b531aaa33be4dc7148fef9338442bd0ae9181f7075e9b",
    "transformer/diffusion_pytorch_model.safetensors.index.json": (
        "d6c1f72d86fbddef8fb5ef1c03f5b56b2bfdb6ae58032db98c6019fd1dae9021"
    ),
    "transformer/diffusion_pytorch_model-00001-of-00005.safetensors": (
        "511bec832a201caa410d09c5ce7dbbf8ad2708c345d82038f684fc74cce982be"
    ),
    "transformer/diffusion_pytorch_model-00002-of-00005.safetensors": (
        "7c42724912b1911429125dc50c0e9a49ccbada5a601b657d4ed2e15e7597c193"
    ),
    "transformer/diffusion_pytorch_model-00003-of-00005.safetensors": (
        "e9c3d0c76de786566382f8258101fea973ae37681c6e9fe0e5fe1fb93b806424"
    ),
    "transformer/diffusion_pytorch_model-00004-of-00005.safetensors": (
        "a331121771790939678db6f585553fd5184609f7d02593c699a4d241b0d834c5"
    ),
    "transformer/diffusion_pytorch_model-00005-of-00005.safetensors": (
        "78b655685c47efdb2349f36826bb101264e9f212a16325d584aeb5f53c88e719"
    ),
    "vae/config.json": "d996c340fe9a7df5d7371f76a7d8d6956f6c98256080074d8434fa5eeac11360",
    "vae/diffusion_pytorch_model.safetensors": (
        "62cd18f19438e35b32ac63020e2852f566e9b02f46b6cdbd87972a356e3c6f4b"
    ),
}

WAN22_TI2V_5B = ModelSpec(
    name="wan2.2-ti2v-5b",
    stage="visuals",
    backend="wan-diffusers",
    source=f"hf:{_WAN_REPO}",
    folder="Wan2.2-TI2V-5B-Diffusers",
    files=hf_pinned_files(_WAN_REPO, _WAN_REVISION, _WAN_FILES),
    approx_size_mb=34000,
    licence="Apache-2.0 (https://huggingface.co/Wan-AI/Wan2.2-TI2V-5B, LICENSE.txt)",
    commercial_use="yes",
    licence_note=(
        "Apache-2.0 code and weights; the card disclaims rights over generated content and "
        "asks that use follow the licence and the law."
    ),
    notes=(
        "Image shots: 121 frames at 24 fps, 1280x704, about 24 GB VRAM in bf16 (a 40 GB card "
        "holds it with headroom). Pinned to commit b8fff73 of the repo, 34.2 GB: the "
        "transformer comes in 5 shards. For 80 GB cards "
        "Wan-AI/Wan2.2-I2V-A14B-Diffusers (two experts, transformer_2) loads through the same "
        "backend (pipeline.picture.wan_video)."
    ),
)

_MUSETALK_REPO = "TMElyralab/MuseTalk"
_MUSETALK_FOLDER = "musetalk"
"""MuseTalk's three parts sit together under MODEL_DIR/musetalk, in the layout its repo uses."""

MUSETALK_UNET = ModelSpec(
    name="musetalk-1.5",
    stage="lipsync",
    backend="musetalk-diffusers",
    source=f"hf:{_MUSETALK_REPO}",
    folder=_MUSETALK_FOLDER,
    files=hf_files(_MUSETALK_REPO, ("musetalkV15/musetalk.json", "musetalkV15/unet.pth")),
    approx_size_mb=3400,
    licence=(
        "MuseTalk: code MIT; weights released 'for any purpose, even commercially' "
        "(GitHub README); the Hugging Face card is tagged creativeml-openrail-m"
    ),
    commercial_use="yes",
    licence_note=(
        "Commercial use is allowed; the OpenRAIL-M tag on the weights adds use-based "
        "restrictions (no unlawful, deceptive or harmful uses) that the studio's consent "
        "rules already enforce. MuseTalk's face parser (BiSeNet 79999_iter.pth) is "
        "non-commercial and is not used: the mouth mask comes from the mediapipe face mesh."
    ),
    notes=(
        "Single-step latent inpainting UNet (diffusers UNet2DConditionModel from "
        "musetalk.json, 8 input channels) on 256x256 face crops; needs musetalk-sd-vae-ft-mse "
        "and musetalk-whisper-tiny beside it (`filmstudio models download 'musetalk-*'`)."
    ),
)

_SD_VAE_REPO = "stabilityai/sd-vae-ft-mse"
MUSETALK_VAE = ModelSpec(
    name="musetalk-sd-vae-ft-mse",
    stage="lipsync",
    backend="musetalk-diffusers",
    source=f"hf:{_SD_VAE_REPO}",
    folder=f"{_MUSETALK_FOLDER}/sd-vae",
    files=hf_files(_SD_VAE_REPO, ("config.json", "diffusion_pytorch_model.safetensors")),
    approx_size_mb=335,
    licence="MIT (stabilityai/sd-vae-ft-mse model card)",
    commercial_use="yes",
    notes="The Stable Diffusion VAE fine-tuned with MSE: MuseTalk's latent space (AutoencoderKL).",
)

_WHISPER_TINY_REPO = "openai/whisper-tiny"
MUSETALK_WHISPER = ModelSpec(
    name="musetalk-whisper-tiny",
    stage="lipsync",
    backend="musetalk-diffusers",
    source=f"hf:{_WHISPER_TINY_REPO}",
    folder=f"{_MUSETALK_FOLDER}/whisper",
    files=hf_files(
        _WHISPER_TINY_REPO, ("config.json", "preprocessor_config.json", "model.safetensors")
    ),
    approx_size_mb=151,
    licence="Apache-2.0 (openai/whisper-tiny model card; openai/whisper code MIT)",
    commercial_use="yes",
    notes="Only the encoder runs: its hidden states are MuseTalk's audio condition.",
)

MUSETALK_SPECS: tuple[ModelSpec, ...] = (MUSETALK_UNET, MUSETALK_VAE, MUSETALK_WHISPER)
"""Every part MuseTalk lip-sync loads; the commercial gate checks each."""

MEDIAPIPE_WHEEL = "mediapipe==0.10.21"
"""The last mediapipe release whose wheel carries its models; only the .tflite files are
taken (they run on ai-edge-litert), the package itself is never installed."""
_MEDIAPIPE_LICENCE = "Apache-2.0 (mediapipe 0.10.21 wheel: LICENSE and the models' cards)"

FACE_DETECTION = ModelSpec(
    name="mediapipe-face-detection-short",
    stage="faces",
    backend="blazeface-litert",
    source=f"pypi:{MEDIAPIPE_WHEEL} mediapipe/modules/face_detection/",
    folder="mediapipe",
    files=(
        ModelFile(
            "face_detection_short_range.tflite",
            (
                f"{WHEEL_MEMBER_PREFIX}mediapipe/modules/face_detection/face_detection_short_range.tflite",
            ),
            sha256="bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
        ),
    ),
    entry="face_detection_short_range.tflite",
    approx_size_mb=1,
    licence=_MEDIAPIPE_LICENCE,
    commercial_use="yes",
    notes="BlazeFace short range: faces within about 2 m of the camera, 128x128 input.",
    wheel=MEDIAPIPE_WHEEL,
)

FACE_LANDMARKS = ModelSpec(
    name="mediapipe-face-landmarks",
    stage="faces",
    backend="face-mesh-litert",
    source=f"pypi:{MEDIAPIPE_WHEEL} mediapipe/modules/face_landmark/",
    folder="mediapipe",
    files=(
        ModelFile(
            "face_landmark.tflite",
            (f"{WHEEL_MEMBER_PREFIX}mediapipe/modules/face_landmark/face_landmark.tflite",),
            sha256="1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
        ),
    ),
    entry="face_landmark.tflite",
    approx_size_mb=1,
    licence=_MEDIAPIPE_LICENCE,
    commercial_use="yes",
    notes=(
        "Face mesh: 468 landmarks from a 192x192 face crop. The 478-point variant "
        "(face_landmark_with_attention, iris included) needs mediapipe's custom "
        "Landmarks2TransformMatrix op, which LiteRT lacks."
    ),
    wheel=MEDIAPIPE_WHEEL,
)

PERSON_SEGMENTATION = ModelSpec(
    name="mediapipe-selfie-segmentation",
    stage="faces",
    backend="selfie-segmentation-litert",
    source=f"pypi:{MEDIAPIPE_WHEEL} mediapipe/modules/selfie_segmentation/",
    folder="mediapipe",
    files=(
        ModelFile(
            "selfie_segmentation.tflite",
            (
                f"{WHEEL_MEMBER_PREFIX}mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
            ),
            sha256="9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
        ),
    ),
    entry="selfie_segmentation.tflite",
    approx_size_mb=1,
    licence=_MEDIAPIPE_LICENCE,
    commercial_use="yes",
    notes="Selfie segmentation (general, 256x256): a person's mask, for the parallax layers.",
    wheel=MEDIAPIPE_WHEEL,
)

REGISTRY: tuple[ModelSpec, ...] = (
    WAV2LIP,
    *MUSETALK_SPECS,
    MUSICGEN_SMALL,
    ACESTEP_XL_TURBO,
    WAN22_TI2V_5B,
    *INFINITETALK_SPECS,
    SVD_IMG2VID_XT,
    SVD_IMG2VID,
    *piper_specs(),
    *INDIC_PARLER_SPECS,
    WHISPER_ALIGNER,
    FACE_DETECTION,
    FACE_LANDMARKS,
    PERSON_SEGMENTATION,
)
"""Every known model that downloads into MODEL_DIR, in listing order."""

PACKAGED_MODELS: tuple[PackagedModel, ...] = SPEECH_PACKAGED_MODELS
"""Models that install from PyPI packages (extras) instead: never downloaded, never committed."""


# --- queries --------------------------------------------------------------------------------


def list_models(stage: Stage | None = None) -> list[ModelSpec]:
    """The known models, optionally only those of one stage."""
    return [spec for spec in REGISTRY if stage is None or spec.stage == stage]


def list_packaged_models() -> list[PackagedModel]:
    """The models that come from PyPI packages, with their licences and hashes."""
    return list(PACKAGED_MODELS)


def get_model(name: str) -> ModelSpec:
    """The model with this name; UnknownModelError otherwise."""
    for spec in REGISTRY:
        if spec.name == name:
            return spec
    raise UnknownModelError(f"No model is named {name!r}; `filmstudio models list` shows them.")


def select_models(patterns: Iterable[str]) -> list[ModelSpec]:
    """Models matching any of the names or shell patterns (e.g. "piper-hi_*"), in registry
    order; all models when there are no patterns. UnknownModelError for a pattern that
    matches nothing."""
    wanted = list(patterns)
    if not wanted:
        return list(REGISTRY)
    for pattern in wanted:
        if not any(fnmatch.fnmatchcase(spec.name, pattern) for spec in REGISTRY):
            raise UnknownModelError(
                f"No model matches {pattern!r}; `filmstudio models list` shows them."
            )
    return [s for s in REGISTRY if any(fnmatch.fnmatchcase(s.name, p) for p in wanted)]


def model_root(spec: ModelSpec, model_dir: Path) -> Path:
    """The folder a model's own folder sits in: model_dir, or the installation's packaged
    models folder for models that come inside a PyPI wheel."""
    return packaged_models_dir() if spec.wheel else model_dir


def model_path(spec: ModelSpec | str, model_dir: Path) -> Path:
    """What the backend loads: the entry file, or the model's folder."""
    model = get_model(spec) if isinstance(spec, str) else spec
    folder = model_root(model, model_dir) / model.folder
    return folder / model.entry if model.entry else folder


def missing_files(spec: ModelSpec | str, model_dir: Path) -> list[str]:
    """Required files absent (or empty) under model_dir; an empty list means usable."""
    model = get_model(spec) if isinstance(spec, str) else spec
    folder = model_root(model, model_dir) / model.folder
    return [f.path for f in model.required_files if not is_nonempty_file(folder / f.path)]


def is_available(spec: ModelSpec | str, model_dir: Path) -> bool:
    """True when every required file of the model is on disk (cheap: hashes not checked)."""
    return not missing_files(spec, model_dir)


def piper_voice_model(language: str, voice: str) -> ModelSpec | None:
    """The registered piper voice for a language and narrator voice, or None."""
    choice = PIPER_VOICES.get(language, {}).get(voice)
    return get_model(f"piper-{choice.model}") if choice is not None else None
