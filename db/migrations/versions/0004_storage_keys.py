"""Rows store storage keys only: a film's keys once, on its project; no stored locations.

- projects.video_url and projects.subtitles_url held storage locations (s3://bucket/...,
  file:///... or a server path), not links: their keys are kept and the columns dropped.
- projects.subtitles_vtt_key: the WebVTT key is recorded, no longer guessed from the SRT key.
- jobs.result of render jobs no longer repeats the film's keys (outputs, output_key): a
  render's files sit in its job folder and the project row records the current film.

The key layout is written out here as it stood at this revision (a migration is history and
imports nothing from app/): projects/<project id>/jobs/<job id>/film.mp4, film.srt, film.vtt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
KEY_IN_LOCATION = f"projects/{UUID_PATTERN}/.*$"
"""A project file's key inside whatever location was stored: the tail from projects/<id>/."""

STORED_KEYS = sa.text(
    """
    UPDATE projects SET
        video_key = COALESCE(substring(video_key FROM :key), video_key,
                             substring(video_url FROM :key)),
        subtitles_key = COALESCE(substring(subtitles_key FROM :key), subtitles_key,
                                 substring(subtitles_url FROM :key))
    WHERE video_key IS NOT NULL OR video_url IS NOT NULL
       OR subtitles_key IS NOT NULL OR subtitles_url IS NOT NULL
    """
)
"""Every project file reference as a plain key: existing keys kept (a location stored by
mistake in a key column is cut down too), a location turned into its key."""

VTT_FROM_RENDER = sa.text(
    """
    UPDATE projects AS p SET subtitles_vtt_key = j.result::jsonb -> 'outputs' ->> 'film.vtt'
    FROM jobs AS j
    WHERE j.project_id = p.id AND j.kind = 'render' AND j.status = 'complete'
      AND p.video_key IS NOT NULL
      AND p.video_key = j.result::jsonb -> 'outputs' ->> 'film.mp4'
      AND j.result::jsonb -> 'outputs' ->> 'film.vtt' IS NOT NULL
    """
)
"""The WebVTT key the render that made the project's film recorded."""

VTT_BESIDE_SRT = sa.text(
    """
    UPDATE projects SET subtitles_vtt_key = regexp_replace(subtitles_key, '\\.srt$', '.vtt')
    WHERE subtitles_vtt_key IS NULL AND subtitles_key LIKE '%.srt'
    """
)
"""For a film whose render left no record: the WebVTT file renders always wrote beside the SRT."""

DROP_RENDER_KEYS = sa.text(
    """
    UPDATE jobs SET result = (result::jsonb - 'outputs' - 'output_key')::json
    WHERE kind = 'render' AND (result::jsonb ? 'outputs' OR result::jsonb ? 'output_key')
    """
)

RESTORE_RENDER_KEYS = sa.text(
    """
    UPDATE jobs SET result = (
        result::jsonb || jsonb_build_object(
            'output_key', folder || 'film.mp4',
            'outputs', jsonb_build_object(
                'film.mp4', folder || 'film.mp4',
                'film.srt', folder || 'film.srt',
                'film.vtt', folder || 'film.vtt',
                'render.json', folder || 'render.json'
            )
        )
    )::json
    FROM (SELECT id AS job_id, 'projects/' || project_id || '/jobs/' || id || '/' AS folder
          FROM jobs WHERE kind = 'render' AND status = 'complete' AND project_id IS NOT NULL)
         AS layout
    WHERE jobs.id = layout.job_id
    """
)


def upgrade() -> None:
    op.add_column("projects", sa.Column("subtitles_vtt_key", sa.String(length=500), nullable=True))
    op.execute(STORED_KEYS.bindparams(key=KEY_IN_LOCATION))
    op.execute(VTT_FROM_RENDER)
    op.execute(VTT_BESIDE_SRT)
    op.execute(DROP_RENDER_KEYS)
    op.drop_column("projects", "subtitles_url")
    op.drop_column("projects", "video_url")


def downgrade() -> None:
    """The location columns come back empty: a location depends on the storage settings,
    which a migration does not know, and no reader needs them (links come from the keys)."""
    op.add_column("projects", sa.Column("video_url", sa.String(length=500), nullable=True))
    op.add_column("projects", sa.Column("subtitles_url", sa.String(length=500), nullable=True))
    op.execute(RESTORE_RENDER_KEYS)
    op.drop_column("projects", "subtitles_vtt_key")
