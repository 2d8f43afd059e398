"""The metrics the notebooks recorded are sane: positive timings, lengths as requested.

Runs after the notebooks (`make test` runs `pytest --nbval-lax notebooks/` first and points
both runs at the same NOTEBOOK_METRICS_DIR); without any record it is skipped.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.sound.mix import TARGET_LUFS
from pipeline.notebook_metrics import load_metrics, metrics_dir
from pipeline.subtitles import MAX_START_OFFSET_FRAMES

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
FILM_TOLERANCE = 0.02
"""A film may differ from the requested length by 2 % (the output contract)."""
SEED_DOLLARS_PER_MINUTE = 0.53
TALKING_STILL_MIN_R = 0.6
"""Talking stills are on by default because the mouth's movement follows the speech's
loudness at least this closely (the default film notebook's check)."""
FILM_RECORDS = ("compose", "end_to_end", "cost", "default_film")
"""Notebooks that render films whose lengths are checked."""

Records = dict[str, dict[str, Any]]


def record_name(notebook: Path) -> str:
    """The name a notebook records under: its file name without the order number."""
    return re.sub(r"^\d+_", "", notebook.stem)


@pytest.fixture(scope="module")
def records() -> Records:
    found = load_metrics()
    if not found:
        pytest.skip(
            f"No notebook metrics in {metrics_dir()}: run `pytest --nbval-lax notebooks/` "
            "first (make test does)."
        )
    return found


def test_every_notebook_recorded_its_metrics(records: Records) -> None:
    expected = {record_name(path) for path in NOTEBOOKS.glob("*.ipynb")}
    assert len(expected) >= 9
    assert expected <= set(records)


def test_timings_are_positive_seconds(records: Records) -> None:
    for name, record in records.items():
        timings = record["timings_s"]
        assert timings, f"{name} recorded no timings"
        for step, seconds in timings.items():
            assert math.isfinite(seconds), f"{name}: {step}"
            assert seconds > 0, f"{name}: {step}"


def test_lengths_are_as_requested(records: Records) -> None:
    for name, record in records.items():
        for check in record["lengths"]:
            requested, measured = check["requested_s"], check["measured_s"]
            assert requested > 0, f"{name}: {check['what']}"
            assert check["tolerance_s"] <= max(FILM_TOLERANCE * requested, 0.05)
            assert abs(measured - requested) <= check["tolerance_s"], f"{name}: {check}"


def test_rendered_films_last_as_long_as_requested(records: Records) -> None:
    for name in FILM_RECORDS:
        films = [c for c in records[name]["lengths"] if c["what"].startswith("film")]
        assert films, f"{name} recorded no film length"
        for film in films:
            assert film["measured_s"] == pytest.approx(film["requested_s"], rel=FILM_TOLERANCE)


def test_composed_film_is_at_the_target_loudness(records: Records) -> None:
    values = records["compose"]["values"]
    assert values["integrated_lufs"] == pytest.approx(TARGET_LUFS, abs=1.0)
    assert values["true_peak_dbtp"] <= -1.0
    assert values["x_real_time"] > 0


def test_subtitles_follow_the_rules(records: Records) -> None:
    values = records["subtitles"]["values"]
    assert values["cues"] > 0
    assert values["problems"] == []
    assert values["max_start_offset_frames"] <= MAX_START_OFFSET_FRAMES
    assert values["last_cue_end_s"] <= values["film_s"]


def test_stage_notebooks_measured_their_output(records: Records) -> None:
    assert records["scenes"]["values"]["sentences"] > 0
    assert records["tts"]["values"]["espeak_x_real_time"] > 1
    assert all(row["x real time"] > 0 for row in records["music"]["values"]["styles"])
    assert all(row["frames/s"] > 0 for row in records["lipsync"]["values"]["speed"])
    assert records["end_to_end"]["values"]["progress_monotonic"] is True
    for record in records.values():
        for backend, measured in record["values"].get("neural", {}).items():
            assert measured["model"] in ("real", "tiny"), backend
            assert measured["seconds_per_output_second"] > 0, backend


def test_cost_per_minute_is_measured_and_compared_with_the_seed(records: Records) -> None:
    values = records["cost"]["values"]
    assert values["seed_dollars_per_minute"] == pytest.approx(SEED_DOLLARS_PER_MINUTE)
    assert values["wall_s_per_film_minute"] > 0
    assert values["cpu_s_per_film_minute"] > 0
    assert all(seconds > 0 for seconds in values["seconds_per_film_minute"].values())
    assert all(dollars > 0 for dollars in values["dollars_per_minute"].values())
    plans = {row["plan"]: row for row in values["plans"]}
    for plan, margin in (("Standard", 86.4), ("Pro", 78.4), ("Enterprise", 78.6)):
        assert plans[plan]["seed margin %"] == pytest.approx(margin, abs=0.05)


def test_the_default_film_is_measured_against_the_old_one(records: Records) -> None:
    values = records["default_film"]["values"]
    assert values["voices"]["before"] == "espeak-ng"
    assert all(rate > 0 for rate in values["words_per_minute"].values())
    assert "dip" in values["transitions"], "the stage direction makes a big break"
    if values["talking_stills"]:
        assert values["mouth_energy_r"] > TALKING_STILL_MIN_R, "the mouth follows the speech"
    else:
        assert values["mouth_energy_r"] is None
