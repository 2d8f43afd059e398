"""`filmstudio worker`: run queued jobs on this host (scale out by starting more)."""

from __future__ import annotations

import argparse
import asyncio
import logging

from app.config import ConfigError, Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `worker` sub-command."""
    parser = subparsers.add_parser(
        "worker", help="Run queued renders and uploads from the shared database."
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="Renders at once on this host (default WORKER_CONCURRENCY, 1).",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the worker until SIGINT/SIGTERM; running jobs finish first."""
    from app.cli import CommandError
    from app.worker.process import run_worker

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if args.concurrency is not None and args.concurrency < 1:
        raise CommandError("--concurrency must be at least 1.")
    try:
        settings = Settings()
        settings.jwt_secret  # noqa: B018  (the same secret signs download links)
    except ConfigError as error:
        raise CommandError(str(error)) from error
    asyncio.run(run_worker(settings, args.concurrency))
    return 0
