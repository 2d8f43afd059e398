"""Database URL normalisation: every engine uses the psycopg 3 driver."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url

DRIVER = "postgresql+psycopg"


def normalize_url(url: str) -> URL:
    """Return the URL with the psycopg 3 driver, accepting postgres:// and postgresql:// forms."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"DATABASE_URL must point to PostgreSQL, not {parsed.get_backend_name()}.")
    return parsed.set(drivername=DRIVER)


def libpq_url(url: str) -> str:
    """The URL in the plain libpq form (`postgresql://...`) that psycopg and procrastinate take."""
    return normalize_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
