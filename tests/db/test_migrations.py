"""Alembic migrations build the whole schema from nothing and remove it completely."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from db import migrate
from db.base import Base
from tests.support.database import create_test_database, drop_test_database


@pytest.fixture
def empty_database() -> Iterator[str]:
    url = create_test_database(f"filmstudio_migrate_{uuid.uuid4().hex[:10]}")
    try:
        yield url
    finally:
        drop_test_database(url)


def _catalog(url: str) -> tuple[set[str], set[str]]:
    with psycopg.connect(url) as connection:
        tables = {
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        types = {
            row[0]
            for row in connection.execute(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = 'public' AND t.typtype = 'e'"
            )
        }
    return tables, types


def test_upgrade_head_then_downgrade_base(empty_database: str) -> None:
    import db.models  # noqa: F401

    migrate.upgrade(empty_database)
    tables, types = _catalog(empty_database)
    assert set(Base.metadata.tables) <= tables
    assert {"users", "projects", "credits", "youtube_integrations", "logs"} <= tables
    assert {"user_role", "plan_type", "project_status", "upload_status", "voice"} <= types
    assert migrate.current_revision(empty_database) == migrate.head_revision()
    with psycopg.connect(empty_database) as connection:
        plans = connection.execute(
            "SELECT plan_type::text, price, credits_per_month, credits_per_minute, "
            "max_video_length FROM plans ORDER BY price"
        ).fetchall()
    assert [(p, float(price), c, m, length) for p, price, c, m, length in plans] == [
        ("Free", 0.0, 3, 3, 1),
        ("Standard", 39.0, 30, 3, 10),
        ("Pro", 49.0, 60, 3, 20),
        ("Enterprise", 99.0, 120, 3, 40),
    ]

    migrate.downgrade(empty_database)
    tables, types = _catalog(empty_database)
    assert tables == {"alembic_version"}
    assert types == set()

    migrate.upgrade(empty_database)
    assert migrate.current_revision(empty_database) == migrate.head_revision()


def _add_user_and_project(connection: psycopg.Connection[Any], **files: str | None) -> uuid.UUID:
    user_id, project_id = uuid.uuid4(), uuid.uuid4()
    connection.execute(
        "INSERT INTO users (id, name, email, password_hash, role, credits, plan_type) "
        "VALUES (%s, 'A', %s, 'x', 'creator', 3, 'Free') ON CONFLICT DO NOTHING",
        (user_id, f"{user_id}@example.com"),
    )
    connection.execute(
        "INSERT INTO projects (id, user_id, title, script, images, voice, duration, music, "
        "status, language, aspect, resolution, video_url, subtitles_url, video_key, "
        "subtitles_key) VALUES (%s, %s, 'Film', 'Once.', '[]', 'male', 1, 'cinematic', "
        "'complete', 'en', '16:9', '720p', %s, %s, %s, %s)",
        (
            project_id,
            user_id,
            files.get("video_url"),
            files.get("subtitles_url"),
            files.get("video_key"),
            files.get("subtitles_key"),
        ),
    )
    return project_id


def _add_render_job(
    connection: psycopg.Connection[Any], project_id: uuid.UUID, result: dict[str, Any]
) -> uuid.UUID:
    job_id = uuid.uuid4()
    connection.execute(
        "INSERT INTO jobs (id, kind, status, user_id, project_id, credits, progress, stage, "
        "attempts, params, result) SELECT %s, 'render', 'complete', user_id, id, 3, 100, "
        "'complete', 1, '{}', %s FROM projects WHERE id = %s",
        (job_id, Jsonb(result), project_id),
    )
    return job_id


def _row(connection: psycopg.Connection[Any], query: str, *args: object) -> tuple[Any, ...]:
    row = connection.execute(query, args).fetchone()
    assert row is not None
    return tuple(row)


def test_0004_keeps_keys_and_drops_stored_locations(empty_database: str) -> None:
    """Locations (s3://, file://, a server path) become keys; the VTT key is the one the
    render recorded; render jobs stop repeating the film's keys; downgrade restores them."""
    migrate.upgrade(empty_database, "0003")
    with psycopg.connect(empty_database) as connection:
        recorded = _add_user_and_project(connection)
        folder = f"projects/{recorded}/jobs/{uuid.uuid4()}/"
        connection.execute(
            "UPDATE projects SET video_key = %s, subtitles_key = %s, video_url = %s, "
            "subtitles_url = %s WHERE id = %s",
            (
                folder + "film.mp4",
                folder + "film.srt",
                f"s3://films/studio/{folder}film.mp4",
                f"s3://films/studio/{folder}film.srt",
                recorded,
            ),
        )
        render = _add_render_job(
            connection,
            recorded,
            {
                "outputs": {
                    "film.mp4": folder + "film.mp4",
                    "film.srt": folder + "film.srt",
                    "film.vtt": folder + "film.vtt",
                    "render.json": folder + "render.json",
                },
                "output_key": folder + "film.mp4",
                "duration_s": 60.0,
            },
        )
        s3_only = _add_user_and_project(connection)
        s3_folder = f"projects/{s3_only}/jobs/{uuid.uuid4()}/"
        connection.execute(
            "UPDATE projects SET video_url = %s, subtitles_url = %s WHERE id = %s",
            (f"s3://films/e2e/{s3_folder}film.mp4", f"s3://films/e2e/{s3_folder}film.srt", s3_only),
        )
        paths = _add_user_and_project(connection)
        path_folder = f"projects/{paths}/jobs/{uuid.uuid4()}/"
        connection.execute(
            "UPDATE projects SET video_key = %s, subtitles_key = %s, video_url = %s WHERE id = %s",
            (
                f"/srv/data/storage/{path_folder}film.mp4",
                f"file:///srv/data/storage/{path_folder}film.srt",
                f"/srv/data/storage/{path_folder}film.mp4",
                paths,
            ),
        )
        unfinished = _add_user_and_project(connection)

    migrate.upgrade(empty_database, "0004")
    with psycopg.connect(empty_database) as connection:
        columns = {
            row[0]
            for row in connection.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'projects'"
            )
        }
        assert {"video_url", "subtitles_url"}.isdisjoint(columns)
        keys = "SELECT video_key, subtitles_key, subtitles_vtt_key FROM projects WHERE id = %s"
        assert _row(connection, keys, recorded) == (
            folder + "film.mp4",
            folder + "film.srt",
            folder + "film.vtt",
        )
        assert _row(connection, keys, s3_only) == (
            s3_folder + "film.mp4",
            s3_folder + "film.srt",
            s3_folder + "film.vtt",
        )
        assert _row(connection, keys, paths) == (
            path_folder + "film.mp4",
            path_folder + "film.srt",
            path_folder + "film.vtt",
        )
        assert _row(connection, keys, unfinished) == (None, None, None)
        (result,) = _row(connection, "SELECT result FROM jobs WHERE id = %s", render)
        assert result == {"duration_s": 60.0}

    migrate.downgrade(empty_database, "0003")
    with psycopg.connect(empty_database) as connection:
        (result,) = _row(connection, "SELECT result FROM jobs WHERE id = %s", render)
        job_folder = f"projects/{recorded}/jobs/{render}/"
        assert result["output_key"] == job_folder + "film.mp4"
        assert result["outputs"]["film.vtt"] == job_folder + "film.vtt"
        assert result["duration_s"] == 60.0
        assert _row(
            connection, "SELECT video_key, video_url FROM projects WHERE id = %s", recorded
        ) == (folder + "film.mp4", None)
