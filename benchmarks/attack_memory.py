"""Memory under attack: the API process while clients upload decompression-style images and
long compressed audio at once.

Starts one `filmstudio serve --no-worker` (a fresh embedded database unless DATABASE_URL is
set), signs in six users, then for `--rounds` rounds has three clients upload images that
decode to far more than they weigh (a 6300x6300 PNG of ~120 KB that is refused, and a
4600x4600 PNG just under the decode budget that is accepted and stored shrunk) while three
clients upload a 59-minute OGG of a few hundred KB. Prints each kind's answers and times and
the API's resident memory before and at its peak (VmHWM).

    python -m benchmarks.attack_memory [--rounds 3]
    python -m benchmarks.attack_memory --render

Goal: the API stays under 600 MB. `--render` measures the other half instead: a worker
rendering a 720p film made of seven such images (see benchmarks/attack_render.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import struct
import subprocess
import tempfile
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import httpx

from benchmarks.api import free_port, start_server
from benchmarks.attack_render import (
    IMAGE_SIDE_PX,
    IMAGES,
    RenderResult,
    render_attack,
    report,
    start_worker,
    stop_worker,
)
from pipeline.media.encode import ffmpeg_exe
from tests.support.media import ONE_MINUTE_SCRIPT

GOAL_MB = 600
PASSWORD = "Attack-Bench-4471"
LONG_TRACK_S = 3540


def flat_png(width: int, height: int, shade: int = 0) -> bytes:
    """A complete, valid PNG of one colour: tiny on disk, huge once decoded."""
    row = b"\0" + bytes([shade]) * (width * 3)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def long_ogg(folder: Path) -> bytes:
    path = folder / "long.ogg"
    subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo",
         "-t", str(LONG_TRACK_S), "-c:a", "libvorbis", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class Tally:
    """Answers and seconds per upload kind."""

    statuses: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[f"{label} {status}"] += 1
            self.seconds.append(seconds)


def sign_in(base: str, index: int) -> dict[str, str]:
    email = f"attack-{index}-{int(time.time())}@example.com"
    with httpx.Client(base_url=base, timeout=60) as http:
        http.post(
            "/api/users/register", json={"name": "Attacker", "email": email, "password": PASSWORD}
        ).raise_for_status()
        login = http.post("/api/users/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        return {"Authorization": f"Bearer {login.json()['access_token']}"}


def render_main() -> int:
    """The render half: the same 720p film made of seven ordinary 1280x720 images and of seven
    bomb-style ones, each by a fresh worker; the worker trees' peaks side by side."""
    sets = {
        "ordinary 1280x720": [flat_png(1280, 720, shade=30 * n) for n in range(IMAGES)],
        f"bomb-style {IMAGE_SIDE_PX}x{IMAGE_SIDE_PX}": [
            flat_png(IMAGE_SIDE_PX, IMAGE_SIDE_PX, shade=30 * n) for n in range(IMAGES)
        ],
    }
    results: dict[str, RenderResult] = {}
    for label, images in sets.items():
        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            server = start_server(port, Path(folder))
            worker = start_worker(Path(folder), Path(folder) / "worker.log")
            try:
                base = f"http://127.0.0.1:{port}"
                auth = sign_in(base, 0)
                results[label] = render_attack(base, auth, images, ONE_MINUTE_SCRIPT, worker.pid)
            finally:
                stop_worker(worker)
                server.terminate()
                server.wait(30)
    bombs = sets[f"bomb-style {IMAGE_SIDE_PX}x{IMAGE_SIDE_PX}"]
    image_kb = sum(len(data) for data in bombs) / len(bombs) / 1024
    lines, met = report(results, image_kb)
    print("\n".join(lines))
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--render", action="store_true", help="measure a worker rendering a film of such images"
    )
    args = parser.parse_args()
    if args.render:
        return render_main()
    bombs = {"6300x6300 PNG": flat_png(6300, 6300), "4600x4600 PNG": flat_png(4600, 4600)}
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        track = long_ogg(Path(folder))
        server = start_server(port, Path(folder))
        try:
            base = f"http://127.0.0.1:{port}"
            headers = [sign_in(base, index) for index in range(6)]
            idle_mb, _ = rss_mb(server.pid)
            images, audio = Tally(), Tally()

            def upload_images(auth: dict[str, str]) -> None:
                with httpx.Client(base_url=base, timeout=300) as http:
                    for _ in range(args.rounds):
                        for name, data in bombs.items():
                            started = time.monotonic()
                            response = http.post(
                                "/api/uploads/images",
                                files=[("files", ("bomb.png", data, "image/png"))],
                                headers=auth,
                            )
                            images.add(name, response.status_code, time.monotonic() - started)

            def upload_audio(auth: dict[str, str]) -> None:
                with httpx.Client(base_url=base, timeout=300) as http:
                    for _ in range(args.rounds):
                        started = time.monotonic()
                        response = http.post(
                            "/api/uploads/audio",
                            files={"file": ("long.ogg", track, "audio/ogg")},
                            headers=auth,
                        )
                        audio.add("59-min OGG", response.status_code, time.monotonic() - started)

            threads = [threading.Thread(target=upload_images, args=(h,)) for h in headers[:3]]
            threads += [threading.Thread(target=upload_audio, args=(h,)) for h in headers[3:]]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall_s = time.monotonic() - started
            _, peak_mb = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    sizes = ", ".join(f"{name} {len(data) / 1024:.0f} KB" for name, data in bombs.items())
    print(f"inputs: {sizes}, 59-min OGG {len(track) / 1024:.0f} KB; {args.rounds} rounds\n")
    print("| uploads | answers | median s | max s |")
    print("|---|---|---:|---:|")
    for label, tally in (("images (3 clients)", images), ("audio (3 clients)", audio)):
        answers = ", ".join(f"{key} x{count}" for key, count in sorted(tally.statuses.items()))
        ordered = sorted(tally.seconds)
        print(f"| {label} | {answers} | {ordered[len(ordered) // 2]:.2f} | {ordered[-1]:.2f} |")
    print("\n| API RSS idle MB | API RSS peak MB | goal MB | wall s |\n|---:|---:|---:|---:|")
    print(f"| {idle_mb:.0f} | {peak_mb:.0f} | {GOAL_MB} | {wall_s:.1f} |")
    return 0 if peak_mb < GOAL_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
