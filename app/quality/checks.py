"""The film contract checked on the stored files before publishing: length, loudness, true
peak, subtitle rules and Content Credentials (blocking: run in a thread)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from app.provenance.reading import read_provenance
from pipeline import subtitles
from pipeline.media.probe import measure_loudness, probe
from pipeline.types import Cue

DURATION_TOLERANCE = 0.02
"""A film lasts the requested minutes within 2 %."""
LOUDNESS_TARGET_LUFS = -14.0
LOUDNESS_TOLERANCE_LU = 1.0
TRUE_PEAK_MAX_DBTP = -1.0
TIME_TOLERANCE_S = 0.001
MAX_LISTED_PROBLEMS = 3


@dataclass(frozen=True)
class Check:
    """One rule of the contract: its name, whether the film passes, and why not."""

    name: str
    passed: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        """The check as JSON."""
        return asdict(self)


def duration_check(actual_s: float, requested_s: float) -> Check:
    """The film lasts the requested length within DURATION_TOLERANCE."""
    allowed = requested_s * DURATION_TOLERANCE
    if abs(actual_s - requested_s) <= allowed:
        return Check("duration", True, f"{actual_s:.1f} s for {requested_s:.0f} s requested.")
    return Check(
        "duration",
        False,
        f"The film lasts {actual_s:.1f} s; it should last {requested_s:.0f} s "
        f"(within {allowed:.1f} s).",
    )


def loudness_checks(integrated_lufs: float, true_peak_dbtp: float) -> list[Check]:
    """Integrated loudness near the target, and the true peak under its ceiling."""
    off = abs(integrated_lufs - LOUDNESS_TARGET_LUFS)
    loud = Check(
        "loudness",
        off <= LOUDNESS_TOLERANCE_LU,
        f"{integrated_lufs:.1f} LUFS"
        + (
            ""
            if off <= LOUDNESS_TOLERANCE_LU
            else f", more than {LOUDNESS_TOLERANCE_LU:.0f} LU from {LOUDNESS_TARGET_LUFS:.0f} LUFS"
        )
        + ".",
    )
    peak_ok = true_peak_dbtp <= TRUE_PEAK_MAX_DBTP
    peak = Check(
        "true_peak",
        peak_ok,
        f"{true_peak_dbtp:.1f} dBTP"
        + ("" if peak_ok else f", above {TRUE_PEAK_MAX_DBTP} dBTP")
        + ".",
    )
    return [loud, peak]


def subtitle_problems(cues: Sequence[Cue], fps: float, duration_s: float) -> list[str]:
    """The stored cues against the layout rules: lines, cue length, gaps, inside the film."""
    problems: list[str] = []
    frame = 1 / fps if fps > 0 else 0.0
    for number, cue in enumerate(cues, start=1):
        label = f"Cue {number}"
        if len(cue.lines) > subtitles.MAX_LINES:
            problems.append(f"{label} has {len(cue.lines)} lines, over {subtitles.MAX_LINES}.")
        wide = max((subtitles.display_width(line) for line in cue.lines), default=0)
        if wide > subtitles.MAX_LINE_CHARS:
            problems.append(
                f"{label} has a {wide}-character line, over {subtitles.MAX_LINE_CHARS}."
            )
        length = cue.end_s - cue.start_s
        if (
            not subtitles.MIN_CUE_S - TIME_TOLERANCE_S
            <= length
            <= subtitles.MAX_CUE_S + TIME_TOLERANCE_S
        ):
            problems.append(f"{label} lasts {length:.2f} s, outside 0.83-7 s.")
        if number < len(cues):
            gap = cues[number].start_s - cue.end_s
            if gap < subtitles.MIN_GAP_FRAMES * frame - TIME_TOLERANCE_S:
                problems.append(
                    f"{label} ends under {subtitles.MIN_GAP_FRAMES} frames before the next."
                )
        if cue.start_s < -TIME_TOLERANCE_S or cue.end_s > duration_s + TIME_TOLERANCE_S:
            problems.append(f"{label} lies outside the film.")
    return problems


def subtitles_check(srt: str | None, fps: float, duration_s: float) -> Check:
    """The stored SRT exists, has cues, and keeps the rules."""
    if srt is None:
        return Check("subtitles", False, "The film has no stored subtitles; render it again.")
    cues = subtitles.parse_cues(srt)
    if not cues:
        return Check("subtitles", False, "The subtitles hold no cues; render the film again.")
    problems = subtitle_problems(cues, fps, duration_s)
    if problems:
        shown = " ".join(problems[:MAX_LISTED_PROBLEMS])
        more = len(problems) - MAX_LISTED_PROBLEMS
        return Check("subtitles", False, shown + (f" ({more} more)" if more > 0 else ""))
    return Check("subtitles", True, f"{len(cues)} cues keep the rules.")


def provenance_check(film: Path, trust_anchors_pem: bytes | None) -> Check:
    """The film carries Content Credentials whose signature and hashes check out."""
    found = read_provenance(film, trust_anchors_pem)
    if not found.present:
        return Check(
            "provenance", False, "The film carries no Content Credentials; render it again."
        )
    if not found.valid:
        codes = ", ".join(item["code"] for item in found.failures) or found.error or "unknown"
        return Check(
            "provenance", False, f"The film's Content Credentials do not validate ({codes})."
        )
    trust = "trusted" if found.trusted else "valid, signer not on the trust list"
    return Check("provenance", True, f"Content Credentials {trust}.")


def media_checks(
    film: Path, srt: str | None, requested_s: float, trust_anchors_pem: bytes | None
) -> list[Check]:
    """Every check of the stored film's files."""
    facts = probe(film)
    loudness = measure_loudness(film)
    fps = facts.video.fps if facts.video else 0.0
    return [
        duration_check(facts.duration_s, requested_s),
        *loudness_checks(loudness.integrated_lufs, loudness.true_peak_dbtp),
        subtitles_check(srt, fps, facts.duration_s),
        provenance_check(film, trust_anchors_pem),
    ]
