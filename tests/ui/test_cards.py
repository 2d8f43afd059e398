"""The phone card lists: every typed text escaped, one button per film, times as <time>."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from html.parser import HTMLParser

from app.projects.schemas import ProjectSummary
from app.ui.cards import film_cards_html, history_cards_html
from app.ui.formatting import time_html
from db.enums import LedgerReason, ProjectStatus
from db.models import CreditLedgerEntry

MOMENT = datetime(2026, 3, 7, 14, 3, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> "Rain" & <b>night</b>'


class _Tags(HTMLParser):
    """Every start tag and the text, as a browser would parse the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def _parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


def _film(title: str, status: ProjectStatus = ProjectStatus.COMPLETE) -> ProjectSummary:
    return ProjectSummary(
        id=uuid.uuid4(),
        title=title,
        status=status,
        duration=2,
        video_url=None,
        created_at=MOMENT,
        updated_at=MOMENT,
    )


def test_film_cards_escape_titles_and_name_each_film() -> None:
    films = [_film(HOSTILE), _film("Second", ProjectStatus.PROCESSING)]
    markup = film_cards_html(films)
    parsed = _parse(markup)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert HOSTILE in parsed.text
    assert parsed.tags.count("button") == 2
    for film in films:
        assert f'data-film-id="{film.id}"' in markup
    assert "Ready" in parsed.text and "Rendering" in parsed.text
    assert film_cards_html([]) == ""


def test_times_are_time_elements_in_utc_until_the_page_converts_them() -> None:
    markup = time_html(MOMENT)
    assert markup == (
        '<time datetime="2026-03-07T14:03:00+00:00" data-local="datetime">'
        "07 Mar 2026, 14:03 UTC</time>"
    )


def test_history_cards_show_change_reason_note_and_balance() -> None:
    entries = [
        CreditLedgerEntry(
            delta=-3, balance_after=0, reason=LedgerReason.DEBIT, note=HOSTILE, created_at=MOMENT
        ),
        CreditLedgerEntry(
            delta=3, balance_after=3, reason=LedgerReason.SIGNUP, note="", created_at=MOMENT
        ),
    ]
    markup = history_cards_html(entries)
    parsed = _parse(markup)
    assert parsed.tags.count("li") == 2
    assert "script" not in parsed.tags
    assert HOSTILE in parsed.text
    assert "-3" in parsed.text and "+3" in parsed.text
    assert "Film or AI job" in parsed.text and "Welcome credits" in parsed.text
    assert "Balance 0" in parsed.text and "Balance 3" in parsed.text
    assert parsed.tags.count("time") == 2
    assert history_cards_html([]) == ""
