"""Job queue throughput and start delay with two worker processes.

Enqueues short real jobs (narration of one sentence) the way the API does (each in its own
transaction with its credit debit), runs two `filmstudio worker` processes, and prints jobs/s
and the delay from enqueue to start: for a burst of N jobs, and one job at a time with the
workers idle (target p99 < 1 s). It then checks that every job ran exactly once.

    python -m benchmarks.queue [--jobs 200] [--idle-jobs 50]

Uses DATABASE_URL when set, otherwise a throw-away embedded PostgreSQL.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `queue`: run from the repository root
# instead of from benchmarks/, or `import queue` (asyncio, psycopg) would load this script.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import os
import signal
import subprocess
import tempfile
import time
import uuid

import numpy as np
from sqlalchemy import text

from app.ai import service as ai
from app.ai.schemas import AudioGenerateRequest
from app.config import Environment, Settings
from app.embedded_db import resolve_database_url
from app.users import service as users
from app.users.schemas import RegisterRequest
from db import migrate
from db.enums import LedgerReason, Voice
from db.models import Project, User
from db.repositories import credits as credit_repo
from db.session import create_engine, create_session_factory

WORKERS = 2
TARGET_IDLE_P99_S = 1.0
POLL_S = 0.05
TIMEOUT_S = 600.0
SENTENCE = "The lamp was lit at dawn."
DATABASE_ENV = "DATABASE_URL"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


async def prepare(settings: Settings, sessions, jobs: int) -> tuple[User, uuid.UUID]:
    async with sessions() as session, session.begin():
        user = await users.register(
            session,
            settings,
            RegisterRequest(
                name="Bench",
                email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
                password="BenchPass123",
            ),
        )
        grant = jobs * 3
        balance = await credit_repo.credit(session, user.id, grant)
        await credit_repo.record(
            session, user.id, grant, balance, LedgerReason.ADJUSTMENT, note="queue benchmark"
        )
        project = Project(
            user_id=user.id,
            title="Queue benchmark",
            script=SENTENCE,
            images=[],
            voice=Voice.NEUTRAL,
            duration=1,
            music="none",
        )
        session.add(project)
        await session.flush()
        return user, project.id


async def enqueue(settings: Settings, sessions, user: User, project_id: uuid.UUID) -> uuid.UUID:
    request = AudioGenerateRequest(project_id=project_id, text=SENTENCE, voice=Voice.NEUTRAL)
    async with sessions() as session, session.begin():
        answer = await ai.audio_generate(session, settings, user, request)
    return answer.job_id


async def wait_done(sessions, job_ids: list[uuid.UUID]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        async with sessions() as session:
            left = await session.scalar(
                text(
                    "SELECT count(*) FROM jobs WHERE id = ANY(:ids) "
                    "AND status NOT IN ('complete', 'failed', 'cancelled')"
                ),
                {"ids": job_ids},
            )
        if not left:
            return
        await asyncio.sleep(POLL_S)
    raise SystemExit("Jobs did not finish in time.")


async def facts(sessions, job_ids: list[uuid.UUID]) -> dict[str, object]:
    async with sessions() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT status::text, attempts, "
                    "extract(epoch FROM started_at - created_at), "
                    "extract(epoch FROM finished_at), extract(epoch FROM created_at), queue_job_id "
                    "FROM jobs WHERE id = ANY(:ids)"
                ),
                {"ids": job_ids},
            )
        ).all()
        starts = (
            await session.execute(
                text(
                    "SELECT job_id, count(*) FROM procrastinate_events WHERE type = 'started' "
                    "AND job_id = ANY(:ids) GROUP BY job_id"
                ),
                {"ids": [row[5] for row in rows]},
            )
        ).all()
    return {
        "complete": sum(1 for row in rows if row[0] == "complete"),
        "attempts_over_1": sum(1 for row in rows if row[1] != 1),
        "started_twice": sum(1 for row in starts if row[1] != 1),
        "never_started": len(rows) - len(starts),
        "delays": [float(row[2]) for row in rows],
        "span_s": max(float(row[3]) for row in rows) - min(float(row[4]) for row in rows),
    }


def start_workers(database_url: str, data_dir: Path, log: Path) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        DATABASE_ENV: database_url,
        "DATA_DIR": str(data_dir),
        "ENVIRONMENT": "development",
    }
    with log.open("ab") as output:
        return [
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker", "--log-level", "warning"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for _ in range(WORKERS)
        ]


async def wait_for_workers(sessions, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        async with sessions() as session:
            alive = await session.scalar(text("SELECT count(*) FROM procrastinate_workers"))
        if alive and alive >= count:
            return
        await asyncio.sleep(0.2)
    raise SystemExit("The workers did not start.")


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    settings = Settings(
        _env_file=None,
        environment=Environment.DEVELOPMENT,
        data_dir=data_dir,
        database_url=os.environ.get(DATABASE_ENV),
    )
    url = resolve_database_url(settings.database_url, data_dir)
    migrate.upgrade(url)
    engine = create_engine(url, pool_size=4)
    sessions = create_session_factory(engine)
    user, project_id = await prepare(settings, sessions, args.jobs + args.idle_jobs)
    workers = start_workers(url, data_dir, data_dir / "workers.log")
    try:
        await wait_for_workers(sessions, WORKERS * 2)
        burst_started = time.monotonic()
        burst = [await enqueue(settings, sessions, user, project_id) for _ in range(args.jobs)]
        enqueue_s = time.monotonic() - burst_started
        await wait_done(sessions, burst)
        burst_facts = await facts(sessions, burst)

        idle: list[uuid.UUID] = []
        for _ in range(args.idle_jobs):
            idle.append(await enqueue(settings, sessions, user, project_id))
            await wait_done(sessions, idle[-1:])
        idle_facts = await facts(sessions, idle)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        await engine.dispose()

    print(f"\n{WORKERS} worker processes, jobs = one-sentence narrations (TTS + AAC + storage)\n")
    print("| scenario | jobs | complete | jobs/s | start delay p50 | p99 | ran twice | lost |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, found, count in (
        ("burst", burst_facts, args.jobs),
        ("one at a time, idle workers", idle_facts, args.idle_jobs),
    ):
        delays = found["delays"]
        rate = count / found["span_s"] if name == "burst" else float("nan")
        print(
            f"| {name} | {count} | {found['complete']} | "
            f"{rate:.1f} | {percentile(delays, 50) * 1000:.0f} ms | "
            f"{percentile(delays, 99) * 1000:.0f} ms | "
            f"{found['started_twice'] + found['attempts_over_1']} | {found['never_started']} |"
        )
    print(
        f"\nenqueueing {args.jobs} jobs took {enqueue_s:.2f} s "
        f"({args.jobs / enqueue_s:.0f} enqueues/s, each with its credit debit)"
    )
    idle_p99 = percentile(idle_facts["delays"], 99)
    verdict = "met" if idle_p99 < TARGET_IDLE_P99_S else "MISSED"
    print(f"target: idle start delay p99 < {TARGET_IDLE_P99_S:.0f} s -> {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--idle-jobs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
