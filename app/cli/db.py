"""`filmstudio db upgrade`: migrate the database to the newest schema."""

from __future__ import annotations

import argparse

from app.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` sub-command group."""
    parser = subparsers.add_parser("db", help="Database maintenance.")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="Apply every pending migration.")
    upgrade.add_argument("--revision", default="head", help="Target revision (default head).")
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    """Migrate DATABASE_URL (or the embedded database) to the target revision."""
    import sqlalchemy.exc

    from app.cli import CommandError
    from app.embedded_db import resolve_database_url
    from db import migrate

    settings = Settings()
    url = resolve_database_url(settings.database_url, settings.data_dir)
    try:
        migrate.upgrade(url, args.revision)
        current = migrate.current_revision(url)
    except sqlalchemy.exc.OperationalError as error:
        raise CommandError(f"Cannot reach the database: {error.orig}".strip()) from error
    print(f"Database at revision {current}.")
    return 0
