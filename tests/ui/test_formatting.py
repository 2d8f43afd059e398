"""The studio's words and HTML pieces."""

from __future__ import annotations

import re

from app.ui.formatting import (
    downloads_html,
    eta_label,
    notice_html,
    progress_html,
    seconds_as_minutes,
    stage_label,
)
from db.enums import JobStatus, ProjectStatus


def _aria(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, html
    return match.group(1)


def test_durations_and_time_left_read_naturally() -> None:
    assert seconds_as_minutes(42.4) == "42 s"
    assert seconds_as_minutes(80) == "1 min 20 s"
    assert seconds_as_minutes(120) == "2 min"
    assert seconds_as_minutes(754) == "13 min"
    assert eta_label(None) == ""
    assert eta_label(0.2) == "About 1 s left"
    assert eta_label(59) == "About 59 s left"
    assert eta_label(61) == "About 2 min left"


def test_stage_names_are_friendly_and_unknown_ones_still_read() -> None:
    assert stage_label("encode") == "Rendering the video"
    assert stage_label(None) == "Waiting for a renderer"
    assert stage_label("fetching_inputs") == "Fetching inputs"


def test_the_progress_bar_is_an_aria_progressbar_with_stage_and_eta() -> None:
    html = progress_html(ProjectStatus.PROCESSING, 42.04, "mix", 12.3, JobStatus.RUNNING)
    assert _aria(html, "role") == "progressbar"
    assert _aria(html, "aria-valuenow") == "42.0"
    assert _aria(html, "aria-valuetext") == "42% · Mixing the sound · About 13 s left"
    assert "width:42.0%" in html

    queued = progress_html(ProjectStatus.PENDING, 0, "queued", None, JobStatus.QUEUED)
    assert _aria(queued, "aria-valuetext") == "0% · Waiting for a renderer"

    done = progress_html(ProjectStatus.COMPLETE, 99.0, "complete", 3.0, JobStatus.COMPLETE)
    assert _aria(done, "aria-valuenow") == "100.0"
    assert _aria(done, "aria-valuetext") == "100% · Finished"


def test_text_is_escaped() -> None:
    assert notice_html("error", "<b>x</b>") == (
        '<div class="notice notice-error" role="alert">&lt;b&gt;x&lt;/b&gt;</div>'
    )
    assert 'href="https://x/a?b=1&amp;c=2"' in downloads_html([("MP4", "https://x/a?b=1&c=2")])
    assert notice_html("success", "ok").count('role="status"') == 1
