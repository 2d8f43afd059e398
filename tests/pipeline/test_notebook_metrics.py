"""Recording, checking and reading back the notebooks' metrics."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pipeline.notebook_metrics import (
    DEFAULT_METRICS_DIR,
    METRICS_DIR_ENV,
    LengthCheck,
    is_ci,
    load_metrics,
    markdown_table,
    metrics_dir,
    problems,
    record_metrics,
)


def test_a_record_round_trips_through_its_json_file(tmp_path: Path) -> None:
    path = record_metrics(
        "scenes",
        {"parse": 0.002, "tts": 0.03},
        lengths=[LengthCheck("timeline", 15.0, 15.0, 1 / 30)],
        values={"sentences": 4},
        parameters={"fps": 30},
        folder=tmp_path,
    )
    assert path == tmp_path / "scenes.json"
    record = load_metrics(tmp_path)["scenes"]
    assert record["timings_s"] == {"parse": 0.002, "tts": 0.03}
    assert record["lengths"] == [
        {"what": "timeline", "requested_s": 15.0, "measured_s": 15.0, "tolerance_s": 1 / 30}
    ]
    assert record["values"] == {"sentences": 4}
    assert record["parameters"] == {"fps": 30}
    assert record["machine"]["cpus"] >= 1
    assert [p.name for p in tmp_path.iterdir()] == ["scenes.json"]  # no partial file left


def test_insane_measurements_are_refused_with_every_reason(tmp_path: Path) -> None:
    found = problems({"draw": 0.0, "encode": math.nan}, [LengthCheck("film", 60.0, 58.0, 1.2)])
    assert len(found) == 3
    assert "'draw'" in found[0] and "'encode'" in found[1] and "film lasts 58.000 s" in found[2]
    assert problems({}) == ["No timings were recorded."]
    with pytest.raises(ValueError, match="not sane"):
        record_metrics("visuals", {"draw": -1.0}, folder=tmp_path)
    with pytest.raises(ValueError, match="NaN or infinite"):
        record_metrics("cost", {"render": 1.0}, values={"lufs": -math.inf}, folder=tmp_path)
    assert not list(tmp_path.iterdir())


def test_length_checks_allow_exactly_their_tolerance() -> None:
    assert LengthCheck("film", 60.0, 61.0, 1.0).ok
    assert not LengthCheck("film", 60.0, 61.1, 1.0).ok


def test_ci_switch_and_folder_come_from_the_environment(tmp_path: Path) -> None:
    assert is_ci({"CI": "true"}) and is_ci({"CI": "1"})
    assert not is_ci({}) and not is_ci({"CI": "0"}) and not is_ci({"CI": "false"})
    assert metrics_dir({METRICS_DIR_ENV: str(tmp_path)}) == tmp_path
    assert metrics_dir({}) == DEFAULT_METRICS_DIR
    assert DEFAULT_METRICS_DIR.parts[-2:] == ("notebooks", "metrics")
    assert load_metrics(tmp_path / "absent") == {}


def test_markdown_table_formats_numbers_for_reading() -> None:
    table = markdown_table(
        [
            {"stage": "encode", "seconds": 12345.6},
            {"stage": "a|b", "seconds": 0.000123456, "n": None},
        ]
    )
    assert table.splitlines() == [
        "| stage | seconds | n |",
        "| --- | --- | --- |",
        "| encode | 12,346 |  |",
        "| a\\|b | 0.000123 | – |",
    ]
    assert markdown_table([]) == ""


def test_records_are_plain_json(tmp_path: Path) -> None:
    path = record_metrics("tts", {"espeak": 0.01}, values={"path": Path("x")}, folder=tmp_path)
    assert json.loads(path.read_text(encoding="utf-8"))["values"] == {"path": "x"}
