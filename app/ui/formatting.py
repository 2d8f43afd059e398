"""Pure display helpers: the studio's words, numbers, dates and small HTML fragments."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from html import escape
from typing import Literal

from db.enums import JobStatus, ProjectStatus

NoticeKind = Literal["error", "success", "info", "warning"]

PERCENT = 100.0
SECONDS_PER_MINUTE = 60

STAGE_LABELS: dict[str, str] = {
    "queued": "Waiting for a renderer",
    "starting": "Starting the render",
    "images": "Preparing the images",
    "script": "Reading the script",
    "tts": "Recording the narration",
    "layout": "Timing the scenes",
    "subtitles": "Writing the subtitles",
    "music": "Composing the music",
    "mix": "Mixing the sound",
    "encode": "Rendering the video",
    "report": "Checking the film",
    "upload": "Saving the film",
    "storing": "Saving the film",
    "complete": "Finished",
    "waiting to retry": "Waiting to retry",
    "failed": "Failed",
    "cancelled": "Cancelled",
}
"""Friendly names of the render stages the worker reports."""

FINAL_STAGES = frozenset({"complete", "failed", "cancelled"})

STATUS_LABELS: dict[ProjectStatus, str] = {
    ProjectStatus.PENDING: "Queued",
    ProjectStatus.PROCESSING: "Rendering",
    ProjectStatus.COMPLETE: "Ready",
    ProjectStatus.FAILED: "Failed",
}


def notice_html(kind: NoticeKind, text: str) -> str:
    """A message box; errors are announced to screen readers at once (role=alert)."""
    role = "alert" if kind == "error" else "status"
    return f'<div class="notice notice-{kind}" role="{role}">{escape(text)}</div>'


def minutes_label(minutes: int) -> str:
    """'1 minute', '3 minutes'."""
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def seconds_as_minutes(seconds: float) -> str:
    """A narration length for people: '45 s', '1 min 20 s', '12 min'."""
    whole = round(seconds)
    if whole < SECONDS_PER_MINUTE:
        return f"{whole} s"
    minutes, rest = divmod(whole, SECONDS_PER_MINUTE)
    if minutes >= 10 or rest == 0:
        return f"{round(seconds / SECONDS_PER_MINUTE)} min"
    return f"{minutes} min {rest} s"


def eta_label(seconds: float | None) -> str:
    """'About 40 s left', 'About 3 min left', or '' when unknown."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < SECONDS_PER_MINUTE:
        return f"About {max(1, math.ceil(seconds))} s left"
    return f"About {math.ceil(seconds / SECONDS_PER_MINUTE)} min left"


def stage_label(stage: str | None) -> str:
    """The friendly name of a render stage."""
    if not stage:
        return STAGE_LABELS["queued"]
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


CellType = Literal["str", "number", "bool", "date", "markdown", "html"]
"""A Gradio table column's type."""


def status_label(status: ProjectStatus) -> str:
    """'Queued', 'Rendering', 'Ready', 'Failed'."""
    return STATUS_LABELS[status]


def date_label(moment: datetime) -> str:
    """A timestamp in UTC, e.g. '07 Mar 2026, 14:03 UTC'."""
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def time_html(moment: datetime) -> str:
    """A timestamp as `<time>`: UTC text, with the ISO instant for the page script."""
    iso = moment.astimezone(UTC).isoformat()
    return (
        f'<time datetime="{escape(iso)}" data-local="datetime">{escape(date_label(moment))}</time>'
    )


def day_label(moment: datetime | None) -> str:
    """A date, e.g. '07 Mar 2026'; a dash when there is none."""
    return moment.astimezone(UTC).strftime("%d %b %Y") if moment else "—"


def status_badge(status: ProjectStatus) -> str:
    """A coloured status pill."""
    return f'<span class="badge badge-{status.value}">{escape(status_label(status))}</span>'


def progress_html(
    status: ProjectStatus,
    progress: float,
    stage: str | None,
    eta_s: float | None,
    job_status: JobStatus | None,
    queue_position: int | None = None,
) -> str:
    """The render progress bar with the stage name and the time left (an ARIA progressbar);
    a waiting render also says how many jobs go before it."""
    if status is ProjectStatus.COMPLETE:
        percent, label, eta = PERCENT, STAGE_LABELS["complete"], ""
    else:
        percent = min(PERCENT, max(0.0, progress))
        queued = status is ProjectStatus.PENDING and job_status in (None, JobStatus.QUEUED)
        label = STAGE_LABELS["queued"] if queued and percent == 0 else stage_label(stage)
        if queued and queue_position is not None:
            label += f" ({queue_position} ahead)" if queue_position else " (next)"
        eta = eta_label(eta_s) if percent < PERCENT and stage not in FINAL_STAGES else ""
    shown = f"{percent:.0f}%"
    text = " · ".join(part for part in (shown, label, eta) if part)
    state = "done" if status is ProjectStatus.COMPLETE else status.value
    return (
        f'<div class="film-progress film-progress-{state}" role="progressbar" '
        f'aria-label="Render progress" aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{percent:.1f}" aria-valuetext="{escape(text)}" data-stage="{escape(stage or "")}">'
        f'<div class="film-progress-track"><div class="film-progress-fill" style="width:{percent:.1f}%"></div></div>'
        f'<div class="film-progress-meta"><span class="film-progress-stage">{escape(label)}</span>'
        f'<span class="film-progress-eta">{escape(eta)}</span>'
        f'<span class="film-progress-percent">{shown}</span></div></div>'
    )


def player_html(
    video_url: str, subtitles_vtt_url: str | None, title: str, poster_url: str | None = None
) -> str:
    """The film in an HTML5 player, with its WebVTT subtitles as a captions track and a frame
    of the film as its poster when one is given."""
    track = ""
    if subtitles_vtt_url:
        track = (
            f'<track kind="subtitles" label="Subtitles" srclang="en" '
            f'src="{escape(subtitles_vtt_url)}" default>'
        )
    poster = f' poster="{escape(poster_url)}"' if poster_url else ""
    return (
        f'<video class="film-player" controls preload="metadata" playsinline '
        f'aria-label="{escape(title)}" src="{escape(video_url)}"{poster}>{track}</video>'
    )


def downloads_html(links: list[tuple[str, str]]) -> str:
    """Download buttons: (label, url) each; the file keeps the name the store gives it."""
    anchors = "".join(
        f'<a class="film-download" href="{escape(url)}" download>{escape(label)}</a>'
        for label, url in links
    )
    return f'<nav class="film-downloads" aria-label="Downloads">{anchors}</nav>'


def failed_checks_html(summary: str, checks: list[dict[str, object]]) -> str:
    """An error box with one line per failed check: its name and its reason."""
    items = "".join(
        f"<li><strong>{escape(str(check.get('name', '')))}</strong>: "
        f"{escape(str(check.get('reason', '')))}</li>"
        for check in checks
    )
    return (
        f'<div class="notice notice-error" role="alert"><p>{escape(summary)}</p>'
        f'<ul class="failed-checks">{items}</ul></div>'
    )


def field_error_html(text: str) -> str:
    """A problem shown under its field (cleared when the field changes)."""
    return f'<p class="field-error" role="alert">{escape(text)}</p>'
