"""`filmstudio serve`: the API, the studio UI and (by default) a worker in one process."""

from __future__ import annotations

import argparse
import logging

from app.config import ConfigError, Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `serve` sub-command."""
    parser = subparsers.add_parser("serve", help="Run the studio web app and API.")
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"Address to bind (default {DEFAULT_HOST})."
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"Port (default {DEFAULT_PORT})."
    )
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="Do not run jobs in this process (run `filmstudio worker` on other hosts).",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start uvicorn with the app; returns when the server stops."""
    import uvicorn

    from app.cli import CommandError
    from app.main import create_app

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
        if args.no_worker:
            settings.embedded_worker = False
        settings.jwt_secret  # noqa: B018  (fail before binding the port)
    except ConfigError as error:
        raise CommandError(str(error)) from error
    config = uvicorn.Config(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=bool(settings.forwarded_allow_ips.strip()),
        forwarded_allow_ips=settings.forwarded_allow_ips.strip() or None,
        access_log=False,
    )
    print(
        f"AI Film Studio on http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:{args.port}"
    )
    uvicorn.Server(config).run()
    return 0
