"""Load the REST API: authenticated GET /api/users/profile and GET /api/projects/{id}.

Starts one `filmstudio serve` (a fresh embedded database unless DATABASE_URL is set), creates
a user and a project, then drives each endpoint with N concurrent keep-alive connections from
a separate process (uvloop, raw keep-alive sockets: a cheap client leaves the CPU to the
server) and prints requests/s and latency percentiles.

    python -m benchmarks.api [--clients 50] [--seconds 10]

Target on a 2-core machine: >= 500 requests/s and p99 <= 100 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run from the repository root (`python -m benchmarks.api`); when run as a file, put the
# root first instead of benchmarks/, whose queue.py would shadow the standard library's.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import asyncio
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

import numpy as np
import uvloop

from tests.support.media import ONE_MINUTE_SCRIPT

TARGET_RPS = 500
TARGET_P99_MS = 100.0
WARMUP_S = 2.0
READY_TIMEOUT_S = 90.0


@dataclass
class Result:
    """What one load run measured."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: np.ndarray

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        return (
            float(np.percentile(self.latencies_ms, q)) if len(self.latencies_ms) else float("nan")
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(
    base: str,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """One JSON request to the API; the answer's JSON object."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


async def _connection(
    host: str,
    port: int,
    request: bytes,
    stop_at: float,
    record_from: float,
    latencies: list[float],
    counters: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (now := time.perf_counter()) < stop_at:
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            if now >= record_from:
                latencies.append((time.perf_counter() - now) * 1000)
                counters[0] += 1
                if b" 200 " not in status_line:
                    counters[1] += 1
    finally:
        writer.close()


async def load(name: str, port: int, path: str, token: str, clients: int, seconds: float) -> Result:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    start = time.perf_counter()
    record_from = start + WARMUP_S
    stop_at = record_from + seconds
    latencies: list[float] = []
    counters = [0, 0]
    await asyncio.gather(
        *(
            _connection("127.0.0.1", port, request, stop_at, record_from, latencies, counters)
            for _ in range(clients)
        )
    )
    return Result(name, counters[0], counters[1], seconds, np.array(latencies))


def start_server(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "ENVIRONMENT": "development"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(port),
            "--no-worker",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + READY_TIMEOUT_S
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                detail = server.stderr.read().decode() if server.stderr else ""
                raise SystemExit(f"The server exited: {detail}") from None
            time.sleep(0.5)
    server.kill()
    raise SystemExit("The server did not become ready in time.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(port, Path(folder))
        try:
            base = f"http://127.0.0.1:{port}"
            email = f"bench-{int(time.time())}@example.com"
            call(
                base,
                "POST",
                "/api/users/register",
                {"name": "Bench", "email": email, "password": "BenchPass123"},
            )
            token = call(
                base, "POST", "/api/users/login", {"email": email, "password": "BenchPass123"}
            )["access_token"]
            project = call(
                base,
                "POST",
                "/api/projects/create",
                {
                    "title": "Benchmark film",
                    "script": ONE_MINUTE_SCRIPT,
                    "images": [],
                    "voice": "female",
                    "duration": 1,
                    "music": "ambient",
                },
                token,
            )
            results = [
                uvloop.run(
                    load(
                        "GET /api/users/profile",
                        port,
                        "/api/users/profile",
                        token,
                        args.clients,
                        args.seconds,
                    )
                ),
                uvloop.run(
                    load(
                        "GET /api/projects/{id}",
                        port,
                        f"/api/projects/{project['id']}",
                        token,
                        args.clients,
                        args.seconds,
                    )
                ),
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(
        f"\n{args.clients} concurrent keep-alive clients, {args.seconds:.0f} s each, one server process\n"
    )
    print("| endpoint | requests/s | p50 ms | p99 ms | errors | target |")
    print("|---|---:|---:|---:|---:|---|")
    for result in results:
        met = (
            result.rps >= TARGET_RPS
            and result.percentile(99) <= TARGET_P99_MS
            and result.errors == 0
        )
        print(
            f"| {result.name} | {result.rps:.0f} | {result.percentile(50):.1f} | "
            f"{result.percentile(99):.1f} | {result.errors} | {'met' if met else 'MISSED'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
