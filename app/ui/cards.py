"""Phone layouts of the studio's tables: the films list and the credit history as cards.

Gradio's own table breaks words mid-word and hides columns on a narrow screen, so the studio
renders these card lists beside the tables and CSS shows one or the other (studio.css, at
NARROW_MAX_PX). Every text a creator typed is escaped; times are `<time>` elements that the
page script shows in the viewer's own time zone (UTC until it runs).
"""

from __future__ import annotations

from html import escape

from app.projects.schemas import ProjectSummary
from app.ui.credits_view import reason_label
from app.ui.formatting import status_badge, time_html
from db.models import CreditLedgerEntry

NARROW_MAX_PX = 600
"""Widest window, in CSS pixels, that shows the cards instead of the tables (studio.css)."""
FILM_CARDS_LABEL = "Film list"
HISTORY_CARDS_LABEL = "Changes to your credits"
OPEN_CARD_JS = """
element.addEventListener('click', (event) => {
  const card = event.target instanceof Element ? event.target.closest('[data-film-id]') : null;
  if (card) { trigger('click', {film: card.getAttribute('data-film-id')}); }
});
"""
"""Tapping a film card sends its id to the server as the click event's data (`film`)."""


def film_cards_html(projects: list[ProjectSummary]) -> str:
    """The films as a list of buttons, newest first; each names its film's id."""
    if not projects:
        return ""
    items = "".join(
        f'<li><button type="button" class="film-card" data-film-id="{escape(str(project.id))}">'
        f'<span class="film-card-title">{escape(project.title)}</span>'
        f'<span class="film-card-meta">{status_badge(project.status)} '
        f"<span>{project.duration} min</span> · {time_html(project.created_at)}</span>"
        "</button></li>"
        for project in projects
    )
    return f'<ul class="film-cards" aria-label="{FILM_CARDS_LABEL}">{items}</ul>'


def history_cards_html(entries: list[CreditLedgerEntry]) -> str:
    """The credit ledger as cards, newest first: change, balance after, reason, note, time."""
    if not entries:
        return ""
    items = []
    for entry in entries:
        sign = "gain" if entry.delta > 0 else "spend"
        note = f'<p class="history-note">{escape(entry.note)}</p>' if entry.note else ""
        items.append(
            f'<li class="history-card"><p class="history-head">'
            f'<span class="history-delta history-{sign}">{entry.delta:+d}</span> '
            f"<span>{escape(reason_label(entry.reason))}</span></p>{note}"
            f'<p class="history-meta">Balance {entry.balance_after} · '
            f"{time_html(entry.created_at)}</p></li>"
        )
    return f'<ul class="history-cards" aria-label="{HISTORY_CARDS_LABEL}">{"".join(items)}</ul>'
