"""What the research notebooks measure: one JSON record per notebook, read back by the tests.

Each notebook under notebooks/ ends with record_metrics(): its timings (seconds, all
positive), the lengths it asked for against the lengths it got, and any other numbers worth
keeping. Records go to $NOTEBOOK_METRICS_DIR when it is set, else to notebooks/metrics/ in
the repository (git-ignored). tests/notebooks/ checks them after a notebook run.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

METRICS_DIR_ENV = "NOTEBOOK_METRICS_DIR"
"""Environment variable naming the folder the records are written to."""
DEFAULT_METRICS_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "metrics"
"""Where records go when METRICS_DIR_ENV is unset (the repository's notebooks/metrics/)."""
CI_ENV = "CI"
"""Set (to anything but 0/false/no) to size the notebooks for continuous integration."""
RECORD_SUFFIX = ".json"
RECORD_VERSION = 1
_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class LengthCheck:
    """A length a notebook asked for and the length it measured, with the allowed slack."""

    what: str
    requested_s: float
    measured_s: float
    tolerance_s: float

    @property
    def ok(self) -> bool:
        """True when the measured length is within tolerance_s of the requested one."""
        return abs(self.measured_s - self.requested_s) <= self.tolerance_s


def is_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the CI variable asks for the small, quick sizes."""
    value = (os.environ if environ is None else environ).get(CI_ENV, "")
    return value.strip().lower() not in _FALSE_WORDS


def metrics_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder the records are written to and read from."""
    value = (os.environ if environ is None else environ).get(METRICS_DIR_ENV, "").strip()
    return Path(value) if value else DEFAULT_METRICS_DIR


def problems(timings_s: Mapping[str, float], lengths: Sequence[LengthCheck] = ()) -> list[str]:
    """Every way a notebook's measurements are not sane, one sentence each; empty when sane.

    Timings must be finite and positive; each measured length must be within its tolerance.
    """
    found: list[str] = []
    if not timings_s:
        found.append("No timings were recorded.")
    for name, seconds in timings_s.items():
        if not (math.isfinite(seconds) and seconds > 0):
            found.append(
                f"Timing {name!r} is {seconds!r}; it must be a positive number of seconds."
            )
    for check in lengths:
        if not check.ok:
            found.append(
                f"{check.what} lasts {check.measured_s:.3f} s; {check.requested_s:.3f} s "
                f"(within {check.tolerance_s:.3f} s) was asked for."
            )
    return found


def record_metrics(
    notebook: str,
    timings_s: Mapping[str, float],
    lengths: Sequence[LengthCheck] = (),
    values: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    folder: Path | None = None,
) -> Path:
    """Write a notebook's record as <folder>/<notebook>.json and return its path.

    Raises ValueError, naming every problem, when the measurements are not sane (see
    problems()) or a value is not JSON (NaN and infinities included), so a notebook run
    fails instead of recording nonsense.
    """
    found = problems(timings_s, lengths)
    if found:
        raise ValueError(f"Metrics of {notebook} are not sane: " + " ".join(found))
    record = {
        "version": RECORD_VERSION,
        "notebook": notebook,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ci": is_ci(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "parameters": dict(parameters or {}),
        "timings_s": {name: float(seconds) for name, seconds in timings_s.items()},
        "lengths": [asdict(check) for check in lengths],
        "values": dict(values or {}),
    }
    try:
        text = json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError as error:
        raise ValueError(f"Metrics of {notebook} hold a NaN or infinite number.") from error
    target = folder or metrics_dir()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{notebook}{RECORD_SUFFIX}"
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def load_metrics(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every record in the folder, by notebook name (empty when there is none)."""
    source = folder or metrics_dir()
    if not source.is_dir():
        return {}
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(source.glob(f"*{RECORD_SUFFIX}")):
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        records[str(record["notebook"])] = record
    return records


def markdown_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, digits: int = 3
) -> str:
    """Rows of values as a Markdown table; floats get `digits` significant digits (larger
    ones are shown whole) and None shows as a dash."""
    if not rows:
        return ""
    names = (
        list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    )
    lines = ["| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    for row in rows:
        cells = [_cell(row.get(name, ""), digits) for name in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: Any, digits: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return f"{value:,.0f}" if abs(value) >= 10**digits else f"{value:.{digits}g}"
    return str(value).replace("|", "\\|").replace("\n", " ")
