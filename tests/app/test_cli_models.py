"""`filmstudio models list | download | verify` through the real argument parser."""

from __future__ import annotations

import argparse
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import CommandError
from app.cli import models as cli
from pipeline.neural import registry as registry
from pipeline.neural.model_spec import ModelFile, ModelSpec

BODY = b"tiny weights" * 100


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/w.bin":
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModelSpec, ModelSpec]]:
    """Two models served by a local HTTP server: one fetchable, one whose file is absent."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    good = ModelSpec(
        name="tiny-good",
        stage="lipsync",
        backend="test",
        source=base,
        folder="tiny-good",
        files=(ModelFile("w.bin", (f"{base}/w.bin",)),),
        approx_size_mb=1,
        licence="MIT",
        commercial_use="yes",
        entry="w.bin",
    )
    bad = ModelSpec(
        name="tiny-gone",
        stage="music",
        backend="test",
        source=base,
        folder="tiny-gone",
        files=(ModelFile("w.bin", (f"{base}/gone.bin",)),),
        approx_size_mb=1,
        licence="CC-BY-NC-4.0",
        commercial_use="no",
    )
    monkeypatch.setattr(registry, "REGISTRY", (good, bad))
    try:
        yield good, bad
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="filmstudio")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_list_shows_every_model_with_licence_and_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["models", "list", "--model-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "wav2lip-gan-96" in out
    assert "musicgen-small" in out
    assert "svd-img2vid-xt" in out
    assert "piper-hi_IN-priyamvada-medium" in out
    assert "Tamil (ta)" in out  # no piper voice


def test_list_json_reports_availability(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "wav2lip" / "wav2lip_gan_96.onnx"
    target.parent.mkdir()
    target.write_bytes(b"onnx")
    assert (
        run(["models", "list", "--stage", "lipsync", "--json", "--model-dir", str(tmp_path)]) == 0
    )
    document = json.loads(capsys.readouterr().out)
    entries = {entry["name"]: entry for entry in document["models"]}
    assert set(entries) == {
        "wav2lip-gan-96",
        "musetalk-1.5",
        "musetalk-sd-vae-ft-mse",
        "musetalk-whisper-tiny",
        "infinitetalk-single",
        "chinese-wav2vec2-base",
        "wan2.1-i2v-14b-480p",
    }
    assert not any(entries[name]["available"] for name in entries if name != "wav2lip-gan-96")
    entry = entries["wav2lip-gan-96"]
    assert entry["available"] is True
    assert entry["commercial_use"] == "no"
    assert entry["path"] == str(target)


def test_model_dir_defaults_to_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODEL_DIR", raising=False)
    monkeypatch.delenv("DATA_DIR", raising=False)
    assert cli.default_model_dir() == Path("data") / "models"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert cli.default_model_dir() == tmp_path / "models"
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "weights"))
    assert cli.default_model_dir() == tmp_path / "weights"


def test_download_then_verify(
    local_registry: tuple[ModelSpec, ModelSpec],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["models", "download", "tiny-good", "--model-dir", str(tmp_path)]) == 0
    assert (tmp_path / "tiny-good" / "w.bin").read_bytes() == BODY
    assert run(["models", "verify", "--model-dir", str(tmp_path)]) == 0
    assert "tiny-good: ok" in capsys.readouterr().out

    (tmp_path / "tiny-good" / "w.bin").write_bytes(b"changed")
    assert run(["models", "verify", "tiny-good", "--model-dir", str(tmp_path)]) == 1
    assert "tiny-good: corrupt" in capsys.readouterr().out


def test_a_failed_download_is_one_line_and_exit_code_1(
    local_registry: tuple[ModelSpec, ModelSpec],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["models", "download", "--model-dir", str(tmp_path)]) == 1  # all: one fails
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "error" in line]
    assert len(errors) == 1
    assert errors[0].startswith("filmstudio: error: Could not download tiny-gone")
    assert "HTTP 404" in errors[0]
    assert (tmp_path / "tiny-good" / "w.bin").is_file()  # the other model still came


def test_stage_filter_and_verify_of_a_missing_model(
    local_registry: tuple[ModelSpec, ModelSpec],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["models", "download", "--stage", "lipsync", "--model-dir", str(tmp_path)]) == 0
    assert not (tmp_path / "tiny-gone").exists()
    assert run(["models", "verify", "tiny-gone", "--model-dir", str(tmp_path)]) == 1
    assert "tiny-gone: missing" in capsys.readouterr().out


def test_unknown_names_are_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No model matches"):
        run(["models", "download", "nope", "--model-dir", str(tmp_path)])


def test_verify_with_nothing_on_disk_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "packaged_models_dir", lambda: tmp_path / "packaged")
    assert run(["models", "verify", "--model-dir", str(tmp_path)]) == 0
    assert "No model weights found" in capsys.readouterr().out


def test_packaged_models_verify_wherever_model_dir_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = (registry.FACE_LANDMARKS, registry.PERSON_SEGMENTATION)
    if not all(registry.is_available(spec, tmp_path) for spec in newer):
        pytest.skip("the face landmark and segmentation models come with the next `make install`")
    assert run(["models", "verify", "mediapipe-*", "--model-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == (
        "mediapipe-face-detection-short: ok\nmediapipe-face-landmarks: ok\n"
        "mediapipe-selfie-segmentation: ok\n"
    )


def test_list_marks_the_models_commercial_use_only_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMERCIAL_USE_ONLY", "true")
    assert run(["models", "list", "--json", "--model-dir", str(tmp_path)]) == 0
    document = json.loads(capsys.readouterr().out)
    refused = {entry["name"]: entry["refused"] for entry in document["models"]}
    assert document["commercial_use_only"] is True
    assert refused["wav2lip-gan-96"] and refused["musicgen-small"]
    assert not refused["piper-te_IN-venkatesh-medium"]
    monkeypatch.setenv("COMMERCIAL_USE_ONLY", "false")
    assert run(["models", "list", "--model-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "COMMERCIAL_USE_ONLY is off" in out and "refused" not in out
