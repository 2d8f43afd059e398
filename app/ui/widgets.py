"""Small shared pieces of the studio's layout."""

from __future__ import annotations

from html import escape

POLL_INTERVAL_S = 1.0
"""How often an open film's progress is refreshed while it renders."""

UI_CONCURRENCY = 16
"""Studio events handled at once per event type (handlers await the database, not the CPU)."""


def section_title(title: str, subtitle: str = "", level: int = 2) -> str:
    """A heading with an optional one-line explanation under it."""
    lead = f"<p>{escape(subtitle)}</p>" if subtitle else ""
    return f'<div class="section-title"><h{level}>{escape(title)}</h{level}>{lead}</div>'


def placeholder_html(text: str) -> str:
    """A dashed box saying what will appear here."""
    return f'<div class="placeholder">{escape(text)}</div>'
