"""The registry of neural model weights: what each backend needs, where it lives, its licence.

Every neural backend loads from a folder under MODEL_DIR and never from a hub at run time.
This module knows, for each model: its stage and backend, where to fetch it (a Hugging Face
repo id with files, or plain HTTPS URLs), the local folder, the approximate size, the licence
and whether commercial use is allowed (several popular weights are non-commercial).

Hashes: a sha256 is written into a spec only where it can be stated honestly. Otherwise the
download records the sha256 of every file it fetched in a manifest
(MODEL_DIR/.manifests/NAME.json), and verify() later checks the files against it.

Downloads use urllib with timeouts (a Hugging Face token from HF_TOKEN is sent to
huggingface.co only, for gated repos) and fail with one clear sentence on a host without
network access.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.backends.piper_tts import PIPER_VOICES
from pipeline.errors import PipelineError
from pipeline.languages import SUPPORTED_LANGUAGES

Stage = Literal["lipsync", "tts", "music", "visuals"]
CommercialUse = Literal["yes", "no", "conditional", "unknown"]
VerifyStatus = Literal["ok", "unverified", "missing", "corrupt"]

MANIFEST_FOLDER = ".manifests"
"""Folder under MODEL_DIR holding one download manifest per model."""
CONNECT_TIMEOUT_S = 30.0
"""Socket timeout for connecting and for each read during a download."""
CHUNK_BYTES = 1 << 20
"""Bytes read and hashed at a time."""
HF_ENDPOINT = "https://huggingface.co"
"""Where Hugging Face repo files are resolved."""
HF_TOKEN_ENV = "HF_TOKEN"
"""Environment variable with a Hugging Face access token (needed for gated repos)."""
USER_AGENT = "ai-film-studio-models/1"

ProgressCallback = Callable[[str, int, int | None], None]
"""Called as progress(relative_path, bytes_done, bytes_total_or_None) while downloading."""


class ModelDownloadError(PipelineError):
    """A model could not be downloaded; the message is one sentence saying why."""


class UnknownModelError(PipelineError):
    """No registered model has the requested name."""


@dataclass(frozen=True)
class ModelFile:
    """One file of a model: where it goes under the model's folder and where it comes from.

    urls are tried in order (mirrors); sha256 is given only when it is known for certain;
    an optional file (a model card) may fail to download without failing the model.
    """

    path: str
    urls: tuple[str, ...]
    sha256: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class ModelSpec:
    """A known model: what uses it, where it comes from, where it goes, and its licence."""

    name: str
    stage: Stage
    backend: str
    source: str
    folder: str
    files: tuple[ModelFile, ...]
    approx_size_mb: int
    licence: str
    commercial_use: CommercialUse
    licence_note: str = ""
    entry: str = ""
    """What the backend loads, relative to the folder ("" = the folder itself)."""
    gated: bool = False
    """True when the hub requires an account that accepted the licence (HF_TOKEN)."""
    language: str | None = None
    notes: str = ""

    @property
    def required_files(self) -> tuple[ModelFile, ...]:
        """The files that must be present for the model to be usable."""
        return tuple(f for f in self.files if not f.optional)


@dataclass(frozen=True)
class FileCheck:
    """The state of one file of a model on disk."""

    path: str
    status: VerifyStatus
    detail: str = ""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of verify(): overall status and each file's state."""

    name: str
    status: VerifyStatus
    files: tuple[FileCheck, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when every required file is present and no hash disagrees."""
        return self.status in ("ok", "unverified")


def hf_url(repo: str, path: str, revision: str = "main") -> str:
    """The download URL of a file in a Hugging Face model repo."""
    quoted = urllib.parse.quote(path)
    return f"{HF_ENDPOINT}/{repo}/resolve/{urllib.parse.quote(revision, safe='')}/{quoted}"


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
    files=tuple(ModelFile(f, (hf_url(_MUSICGEN_REPO, f),)) for f in _MUSICGEN_FILES),
    approx_size_mb=2400,
    licence="CC-BY-NC-4.0 (weights); code MIT",
    commercial_use="no",
    licence_note="Meta's MusicGen weights are licensed for non-commercial use only.",
    notes="Load with transformers MusicgenForConditionalGeneration.from_pretrained(folder).",
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
        files=tuple(ModelFile(f, (hf_url(repo, f),)) for f in _SVD_FILES),
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

PIPER_REPO = "rhasspy/piper-voices"
PIPER_FOLDER = "piper"
"""All piper voices share one folder, as the piper backend expects (NAME.onnx + .json)."""

PIPER_VOICE_SIZES_MB = {"x_low": 21, "low": 63, "medium": 63, "high": 114}
"""Approximate ONNX file size of a piper voice by quality."""

_NON_COMMERCIAL: CommercialUse = "no"
_COMMERCIAL: CommercialUse = "yes"
_UNKNOWN: CommercialUse = "unknown"
PIPER_VOICE_LICENCES: dict[str, tuple[str, CommercialUse]] = {
    "en_US-lessac-medium": ("Blizzard 2013 Lessac licence (restricted)", _NON_COMMERCIAL),
    "hi_IN-pratham-medium": ("CC-BY-NC-SA-4.0", _NON_COMMERCIAL),
    "hi_IN-priyamvada-medium": ("CC-BY-NC-SA-4.0", _NON_COMMERCIAL),
    "hi_IN-rohan-medium": ("IIT Madras IndicTTS licence (terms unresolved)", _UNKNOWN),
    "te_IN-venkatesh-medium": ("CC-BY-4.0", _COMMERCIAL),
    "te_IN-padmavathi-medium": ("CC-BY-4.0", _COMMERCIAL),
    "te_IN-maya-medium": ("IIT Madras IndicTTS licence (terms unresolved)", _UNKNOWN),
}
"""Voice-weight licences as their MODEL_CARDs state them; voices not listed are "unknown".
The MODEL_CARD is downloaded beside each voice: it is the authority."""


def languages_without_piper_voice() -> dict[str, str]:
    """Studio languages (code -> name) that have no piper voice mapping: their narration
    stays on espeak-ng. Piper's collection has no Tamil, Kannada, Bengali, Marathi, Gujarati
    or Punjabi voice, and only male Portuguese ones."""
    return {
        code: language.name
        for code, language in SUPPORTED_LANGUAGES.items()
        if code not in PIPER_VOICES
    }


def _piper_voice(model: str, language: str) -> ModelSpec:
    locale, speaker, quality = model.split("-", 2)
    remote = f"{locale.split('_')[0]}/{locale}/{speaker}/{quality}"
    licence, commercial = PIPER_VOICE_LICENCES.get(
        model, ("see the voice's MODEL_CARD (depends on its dataset)", "unknown")
    )

    def url(name: str) -> tuple[str, ...]:
        return (hf_url(PIPER_REPO, f"{remote}/{name}"),)

    return ModelSpec(
        name=f"piper-{model}",
        stage="tts",
        backend="piper",
        source=f"hf:{PIPER_REPO} {remote}",
        folder=PIPER_FOLDER,
        files=(
            ModelFile(f"{model}.onnx", url(f"{model}.onnx")),
            ModelFile(f"{model}.onnx.json", url(f"{model}.onnx.json")),
            ModelFile(f"{model}.MODEL_CARD", url("MODEL_CARD"), optional=True),
        ),
        entry=f"{model}.onnx",
        approx_size_mb=PIPER_VOICE_SIZES_MB.get(quality, 63),
        licence=licence,
        commercial_use=commercial,
        licence_note="Piper voices carry their training data's licence; read the MODEL_CARD.",
        language=language,
    )


def _piper_specs() -> tuple[ModelSpec, ...]:
    seen: dict[str, ModelSpec] = {}
    for language, voices in PIPER_VOICES.items():
        for choice in voices.values():
            if choice.model not in seen:
                seen[choice.model] = _piper_voice(choice.model, language)
    return tuple(seen.values())


REGISTRY: tuple[ModelSpec, ...] = (
    WAV2LIP,
    MUSICGEN_SMALL,
    SVD_IMG2VID_XT,
    SVD_IMG2VID,
    *_piper_specs(),
)
"""Every known model, in listing order."""


# --- queries --------------------------------------------------------------------------------


def list_models(stage: Stage | None = None) -> list[ModelSpec]:
    """The known models, optionally only those of one stage."""
    return [spec for spec in REGISTRY if stage is None or spec.stage == stage]


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


def piper_voice_model(language: str, voice: str) -> ModelSpec | None:
    """The registered piper voice for a language and narrator voice, or None."""
    choice = PIPER_VOICES.get(language, {}).get(voice)
    return get_model(f"piper-{choice.model}") if choice is not None else None


def model_path(spec: ModelSpec | str, model_dir: Path) -> Path:
    """What the backend loads: the entry file, or the model's folder."""
    model = get_model(spec) if isinstance(spec, str) else spec
    folder = model_dir / model.folder
    return folder / model.entry if model.entry else folder


def missing_files(spec: ModelSpec | str, model_dir: Path) -> list[str]:
    """Required files absent (or empty) under model_dir; an empty list means usable."""
    model = get_model(spec) if isinstance(spec, str) else spec
    folder = model_dir / model.folder
    return [f.path for f in model.required_files if not _present(folder / f.path)]


def is_available(spec: ModelSpec | str, model_dir: Path) -> bool:
    """True when every required file of the model is on disk (cheap: hashes not checked)."""
    return not missing_files(spec, model_dir)


def _present(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


# --- download -------------------------------------------------------------------------------


def manifest_path(spec: ModelSpec, model_dir: Path) -> Path:
    """Where the download manifest (sha256 and size of each fetched file) is kept."""
    return model_dir / MANIFEST_FOLDER / f"{spec.name}.json"


def download(
    spec: ModelSpec,
    model_dir: Path,
    force: bool = False,
    progress: ProgressCallback | None = None,
    timeout_s: float = CONNECT_TIMEOUT_S,
) -> Path:
    """Fetch the model's files into model_dir and record their hashes in its manifest.

    Files already present and matching the manifest (or the spec's sha256) are kept unless
    force is set. Returns model_path(). Raises ModelDownloadError with one sentence (no
    network, HTTP error, hash mismatch, gated repo without HF_TOKEN).
    """
    folder = model_dir / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    recorded = _manifest_files(spec, model_dir)
    for item in spec.files:
        target = folder / item.path
        expected = item.sha256 or _str(recorded.get(item.path, {}).get("sha256"))
        if not force and _present(target) and expected and _sha256(target) == expected:
            continue
        try:
            digest, size = _fetch(item, target, spec, progress, timeout_s)
        except ModelDownloadError:
            if item.optional:
                continue
            raise
        recorded[item.path] = {"sha256": digest, "size": size}
    _write_manifest(spec, model_dir, recorded)
    return model_path(spec, model_dir)


def _fetch(
    item: ModelFile,
    target: Path,
    spec: ModelSpec,
    progress: ProgressCallback | None,
    timeout_s: float,
) -> tuple[str, int]:
    errors: list[str] = []
    for url in item.urls:
        try:
            return _fetch_url(url, item, target, progress, timeout_s)
        except ModelDownloadError as error:
            errors.append(str(error))
    reason = errors[-1] if errors else "no download address is known"
    refused = any("HTTP 401" in e or "HTTP 403" in e for e in errors)
    if spec.gated and refused:
        reason = f"the repo is gated: accept its licence on Hugging Face and set {HF_TOKEN_ENV}"
    raise ModelDownloadError(f"Could not download {spec.name} file {item.path}: {reason}")


def _fetch_url(
    url: str,
    item: ModelFile,
    target: Path,
    progress: ProgressCallback | None,
    timeout_s: float,
) -> tuple[str, int]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    token = os.environ.get(HF_TOKEN_ENV)
    if token and urllib.parse.urlsplit(url).hostname == urllib.parse.urlsplit(HF_ENDPOINT).hostname:
        # Not forwarded on redirects: the CDN URLs are pre-signed and must not see the token.
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    partial = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            total_header = response.headers.get("Content-Length")
            total = int(total_header) if total_header and total_header.isdigit() else None
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as out:
                while chunk := response.read(CHUNK_BYTES):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(item.path, size, total)
            if total is not None and size != total:
                raise ModelDownloadError(f"the transfer stopped after {size} of {total} bytes")
    except urllib.error.HTTPError as error:
        partial.unlink(missing_ok=True)
        raise ModelDownloadError(f"HTTP {error.code} {error.reason} from {url}") from error
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", error)
        raise ModelDownloadError(f"{url} is unreachable ({reason})") from error
    except ModelDownloadError:
        partial.unlink(missing_ok=True)
        raise
    hexdigest = digest.hexdigest()
    if item.sha256 is not None and hexdigest != item.sha256:
        partial.unlink(missing_ok=True)
        raise ModelDownloadError(
            f"sha256 {hexdigest} from {url} does not match the expected {item.sha256}"
        )
    partial.replace(target)
    return hexdigest, size


def _manifest_files(spec: ModelSpec, model_dir: Path) -> dict[str, dict[str, object]]:
    """The manifest's {relative path: {"sha256", "size"}}; empty when there is none."""
    path = manifest_path(spec, model_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, dict)}


def _write_manifest(spec: ModelSpec, model_dir: Path, files: dict[str, dict[str, object]]) -> None:
    path = manifest_path(spec, model_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "name": spec.name,
        "source": spec.source,
        "licence": spec.licence,
        "commercial_use": spec.commercial_use,
        "downloaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files,
    }
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    shutil.move(temporary, path)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


# --- verify ---------------------------------------------------------------------------------


def verify(spec: ModelSpec, model_dir: Path) -> VerifyResult:
    """Check the model's files on disk: present, and matching the spec's sha256 or else the
    manifest written at download time. Files put in place by hand (no manifest, no known
    hash) are "unverified"; a missing required file is "missing"; any mismatch "corrupt"."""
    folder = model_dir / spec.folder
    recorded = _manifest_files(spec, model_dir)
    checks: list[FileCheck] = []
    for item in spec.files:
        path = folder / item.path
        if not _present(path):
            if not item.optional:
                checks.append(FileCheck(item.path, "missing", "not on disk"))
            continue
        expected = item.sha256 or _str(recorded.get(item.path, {}).get("sha256"))
        if expected is None:
            checks.append(FileCheck(item.path, "unverified", "no recorded sha256"))
            continue
        actual = _sha256(path)
        if actual != expected:
            checks.append(FileCheck(item.path, "corrupt", f"sha256 {actual} != {expected}"))
        else:
            checks.append(FileCheck(item.path, "ok"))
    statuses = {check.status for check in checks}
    worst_first: tuple[VerifyStatus, ...] = ("corrupt", "missing", "unverified")
    overall: VerifyStatus = next((st for st in worst_first if st in statuses), "ok")
    return VerifyResult(spec.name, overall, tuple(checks))
