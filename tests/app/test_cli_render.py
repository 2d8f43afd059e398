"""`filmstudio render`: a real (small) film end to end, and one-line errors for bad input."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from app.cli import main
from app.provenance.reading import read_provenance
from tests.pipeline.render_media import write_picture

SCRIPT = """The lighthouse stood alone on the cliff above the grey sea, and every night its lamp
turned slowly over the water while the fishing boats came home.

MAYA: Is anyone up there? I saw your light from the harbour and walked all the way up.

RAVI: Come in out of the rain, the stairs are steep. I will make some tea for you.

They talked until morning, and when the storm had passed she walked back down the hill."""


def _render(tmp_path: Path, *extra: str, script: str | None = SCRIPT) -> list[str]:
    args = ["render", "--out", str(tmp_path / "out"), "--size", "320x180", "--quiet"]
    if script is not None:
        path = tmp_path / "script.txt"
        path.write_text(script, encoding="utf-8")
        args += ["--script", str(path)]
    return [*args, *extra]


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int, expected: str) -> None:
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("filmstudio: error: ")
    assert expected in lines[0]


def test_render_writes_the_film_and_its_sidecars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    maya = write_picture(tmp_path / "MAYA.png", 300, 400, 1, mode="RGBA")
    ravi = write_picture(tmp_path / "Ravi.jpg", 400, 300, 2, mode="CMYK")
    sea = write_picture(tmp_path / "sea.jpg", 480, 270, 3)
    code = main(
        _render(
            tmp_path,
            "--image", str(sea), str(maya), "--image", str(ravi),
            "--minutes", "1", "--voice", "female", "--music", "ambient", "--seed", "4",
            "--captions", "shorts",
        )
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = tmp_path / "out"
    assert sorted(path.name for path in out.iterdir()) == [
        "film.mp4",
        "film.srt",
        "film.vtt",
        "render.json",
    ]
    assert "film.mp4 (1:00, 320x180" in captured.out
    record = json.loads((out / "render.json").read_text(encoding="utf-8"))
    assert record["settings"]["duration_s"] == 60.0
    assert record["settings"]["images"] == ["sea.jpg", "MAYA.png", "Ravi.jpg"]
    assert record["film"]["video"]["frames"] == 1800
    assert record["settings"]["captions"] == "shorts"
    assert abs(record["loudness"]["integrated_lufs"] + 14) <= 1.0
    credentials = read_provenance(out / "film.mp4", (tmp_path / "data/c2pa/ca.pem").read_bytes())
    assert credentials.trusted
    assert len(credentials.ingredient_hashes()) == 3


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height (a decompression bomb's calling card)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("empty-script", "The script is empty"),
        ("missing-script", "does not exist"),
        ("binary-script", "not UTF-8"),
        ("corrupt-image", "damaged or truncated"),
        ("text-image", "not a readable image"),
        ("huge-image", "more than the limit"),
        ("bomb-image", "Image bomb.png"),
        ("missing-image", "does not exist"),
        ("voice", "Voice 'robot' is not available"),
        ("language", "Language 'klingon' is not supported"),
        ("music", "Music style 'polka' is not available"),
        ("minutes", "--minutes must be at least 1"),
        ("too-long", "narration"),
    ],
)
def test_bad_input_is_one_sentence_and_a_nonzero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, expected: str
) -> None:
    script: str | None = SCRIPT
    extra: list[str] = ["--minutes", "1"]
    if setup == "empty-script":
        script = " \n\n  "
    elif setup == "missing-script":
        script = None
        extra += ["--script", str(tmp_path / "nowhere.txt")]
    elif setup == "binary-script":
        script = None
        binary = tmp_path / "script.bin"
        binary.write_bytes(b"\xff\xfe\x00\x81 not text")
        extra += ["--script", str(binary)]
    elif setup == "corrupt-image":
        corrupt = tmp_path / "cut.png"
        corrupt.write_bytes((write_picture(tmp_path / "whole.png")).read_bytes()[:300])
        extra += ["--image", str(corrupt)]
    elif setup == "text-image":
        text = tmp_path / "notes.jpg"
        text.write_text("this is not a picture")
        extra += ["--image", str(text)]
    elif setup == "huge-image":
        huge = tmp_path / "huge.png"
        huge.write_bytes(_png_header(8_000, 6_000))
        extra += ["--image", str(huge)]
    elif setup == "bomb-image":
        bomb = tmp_path / "bomb.png"
        bomb.write_bytes(_png_header(20_000, 20_000))
        extra += ["--image", str(bomb)]
    elif setup == "missing-image":
        extra += ["--image", str(tmp_path / "ghost.png")]
    elif setup == "voice":
        extra += ["--voice", "robot"]
    elif setup == "language":
        extra += ["--language", "klingon"]
    elif setup == "music":
        extra += ["--music", "polka"]
    elif setup == "minutes":
        extra = ["--minutes", "0.5"]
    elif setup == "too-long":
        script = SCRIPT * 20
    code = main(_render(tmp_path, *extra, script=script))
    _one_line_error(capsys, code, expected)
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []


def test_render_is_listed_in_the_command_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["render", "--help"])
    assert stopped.value.code == 0
    help_text = capsys.readouterr().out
    for option in (
        "--script",
        "--image",
        "--voice",
        "--minutes",
        "--music",
        "--language",
        "--aspect",
        "--resolution",
        "--out",
    ):
        assert option in help_text
