"""The layout of storage keys: the one place that knows where each file of the studio lives.

    users/<user id>/uploads/<upload id>/<filename>   an uploaded image or music track
    projects/<project id>/                           everything a project made (deleted with it)
    projects/<project id>/jobs/<job id>/             one job's outputs (a retry overwrites them)
    projects/<project id>/jobs/<job id>/film.mp4     a render's film, with film.srt, film.vtt
                                                     and render.json beside it
    projects/<project id>/youtube/<job id>/          a YouTube upload's scratch folder

Rows store these keys, never a storage location (s3://..., a server path) nor a link: links
are signed fresh on every read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

USERS = "users"
PROJECTS = "projects"
JOBS = "jobs"

FILM_NAME = "film.mp4"
SRT_NAME = "film.srt"
VTT_NAME = "film.vtt"
REPORT_NAME = "render.json"


@dataclass(frozen=True)
class FilmKeys:
    """Where one render stored its film, its two subtitle files and its report."""

    video: str
    srt: str
    vtt: str
    report: str


@dataclass(frozen=True)
class JobFile:
    """A key inside a job's output folder, split into its parts."""

    project_id: uuid.UUID
    job_id: uuid.UUID
    name: str


def upload_prefix(user_id: uuid.UUID, upload_id: uuid.UUID) -> str:
    """The folder of one upload; deleting the upload deletes it."""
    return f"{USERS}/{user_id}/uploads/{upload_id}/"


def upload_key(user_id: uuid.UUID, upload_id: uuid.UUID, filename: str) -> str:
    """The key of an uploaded file."""
    return upload_prefix(user_id, upload_id) + filename


def project_prefix(project_id: uuid.UUID) -> str:
    """The folder of everything a project made; deleting the project deletes it."""
    return f"{PROJECTS}/{project_id}/"


def job_prefix(project_id: uuid.UUID, job_id: uuid.UUID) -> str:
    """The folder of one job's outputs: keyed by job, so a retry overwrites, never adds."""
    return f"{project_prefix(project_id)}{JOBS}/{job_id}/"


def youtube_prefix(project_id: uuid.UUID, job_id: uuid.UUID) -> str:
    """The folder a YouTube upload job owns (it stores nothing there today)."""
    return f"{project_prefix(project_id)}youtube/{job_id}/"


def film_keys(project_id: uuid.UUID, job_id: uuid.UUID) -> FilmKeys:
    """The keys of the files a render job stores."""
    prefix = job_prefix(project_id, job_id)
    return FilmKeys(
        video=prefix + FILM_NAME,
        srt=prefix + SRT_NAME,
        vtt=prefix + VTT_NAME,
        report=prefix + REPORT_NAME,
    )


def owner_user(key: str) -> uuid.UUID | None:
    """The user whose uploads folder holds the key, if it is one."""
    parts = key.split("/")
    if len(parts) > 2 and parts[0] == USERS:
        return _uuid(parts[1])
    return None


def owner_project(key: str) -> uuid.UUID | None:
    """The project whose folder holds the key, if it is one."""
    parts = key.split("/")
    if len(parts) > 2 and parts[0] == PROJECTS:
        return _uuid(parts[1])
    return None


def job_file(key: str) -> JobFile | None:
    """The project, job and file name of a key directly in a job's output folder."""
    parts = PurePosixPath(key).parts
    if len(parts) != 5 or parts[0] != PROJECTS or parts[2] != JOBS:
        return None
    project_id, job_id = _uuid(parts[1]), _uuid(parts[3])
    if project_id is None or job_id is None:
        return None
    return JobFile(project_id, job_id, parts[4])


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
