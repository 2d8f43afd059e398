"""A project as the studio shows it: heading, progress, player and downloads."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from app.projects.schemas import ProjectResponse, ProjectSummary
from app.projects.service import BUSY_STATUSES
from app.ui.formatting import (
    CellType,
    downloads_html,
    minutes_label,
    notice_html,
    player_html,
    progress_html,
    status_badge,
    status_label,
    time_html,
)
from db.enums import ProjectStatus
from pipeline.languages import SUPPORTED_LANGUAGES

FILM_TABLE_HEADERS = ["Title", "Status", "Length", "Created"]
FILM_TABLE_TYPES: list[CellType] = ["str", "str", "str", "html"]
"""Column types of the film table: the creation time is a <time> the page shows locally."""


@dataclass(frozen=True)
class FilmView:
    """The HTML pieces of one film's panel and whether its render is still under way."""

    heading: str
    progress: str
    player: str
    downloads: str
    busy: bool


def _language_name(code: str) -> str:
    language = SUPPORTED_LANGUAGES.get(code)
    return language.name if language else code


def film_view(project: ProjectResponse, poster_url: str | None = None) -> FilmView:
    """Everything the film panel shows for this project (poster_url: a frame of the film)."""
    details = " · ".join(
        (
            minutes_label(project.duration),
            project.aspect,
            project.resolution,
            f"{project.voice.value.capitalize()} voice",
            _language_name(project.language),
            f"music: {project.music}",
        )
    )
    heading = (
        f'<div class="film-heading"><h2>{escape(project.title)} {status_badge(project.status)}'
        f'</h2><p class="meta">{escape(details)} · created '
        f"{time_html(project.created_at)}</p></div>"
    )
    if project.status is ProjectStatus.FAILED:
        reason = project.error or "The render failed."
        progress = notice_html("error", f"The render failed: {reason}")
    else:
        progress = progress_html(
            project.status,
            project.progress,
            project.stage,
            project.eta_seconds,
            project.job_status,
            project.queue_position,
        )
    player = downloads = ""
    if project.status is ProjectStatus.COMPLETE and project.video_url:
        player = player_html(
            project.video_url, project.subtitles_vtt_url, project.title, poster_url
        )
        links = [("MP4 video", project.video_url)]
        if project.subtitles_url:
            links.append(("SRT subtitles", project.subtitles_url))
        if project.subtitles_vtt_url:
            links.append(("VTT subtitles", project.subtitles_vtt_url))
        downloads = downloads_html(links)
    return FilmView(
        heading=heading,
        progress=progress,
        player=player,
        downloads=downloads,
        busy=project.status in BUSY_STATUSES,
    )


def film_rows(projects: list[ProjectSummary]) -> list[list[str]]:
    """The film list's rows, in the order given (newest first)."""
    return [
        [
            project.title,
            status_label(project.status),
            f"{project.duration} min",
            time_html(project.created_at),
        ]
        for project in projects
    ]
