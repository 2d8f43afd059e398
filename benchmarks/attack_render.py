"""The render half of the memory attack: a film made of decompression-style images.

Uploads seven 4600x4600 PNGs of ~60 KB each (just under the decode budget, so accepted and
stored shrunk) through the REST API, makes a one-minute 720p film using all seven, and samples
the worker's process tree (the `filmstudio worker` process and its children, e.g. ffmpeg)
from /proc while it renders: the tree's peak resident memory (the sum over its processes per
sample), and the worker's and the largest child's own peaks (VmHWM).

    python -m benchmarks.attack_memory --render

Goal: the render's process tree stays under GOAL_TREE_MB.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SAMPLE_S = 0.05
"""How often the worker's process tree is read."""
IMAGES = 7
IMAGE_SIDE_PX = 4600
"""4600 x 4600 x 3 bytes decode to 61 MiB, just under the 64 MiB decode budget."""
FILM_MINUTES = 1
RESOLUTION = "720p"
RENDER_TIMEOUT_S = 1800.0
POLL_S = 1.0
WORKER_SETTLE_S = 5.0
"""Time the worker gets to import and start polling before its idle memory is read."""
GOAL_TREE_MB = 640
"""Goal: the worker's whole process tree while rendering: the worker at rest (about 240 MB)
plus the 400 MB a 720p render may take (the render benchmark's target, Python and ffmpeg)."""
GOAL_OVER_ORDINARY = 0.10
"""Goal: images that decode big cost the render at most this much more than ordinary ones."""
DONE = frozenset({"complete", "failed"})


@dataclass
class TreePeak:
    """Peaks seen in a process tree, in MB."""

    tree_mb: float = 0.0
    root_hwm_mb: float = 0.0
    child_hwm_mb: float = 0.0
    processes: int = 0


def _status(pid: str) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {
        key: value.strip()
        for key, value in (line.split(":", 1) for line in text.splitlines() if ":" in line)
    }


def _mb(field: str) -> float:
    return int(field.split()[0]) / 1024 if field else 0.0


def tree_status(root: int) -> dict[str, dict[str, str]]:
    """The /proc status of `root` and all its descendants, by pid."""
    statuses = {entry.name: _status(entry.name) for entry in Path("/proc").iterdir()}
    children: dict[str, list[str]] = {}
    for pid, fields in statuses.items():
        if fields:
            children.setdefault(fields.get("PPid", ""), []).append(pid)
    tree: dict[str, dict[str, str]] = {}
    stack = [str(root)]
    while stack:
        pid = stack.pop()
        if statuses.get(pid):
            tree[pid] = statuses[pid]
            stack.extend(children.get(pid, []))
    return tree


class TreeSampler(threading.Thread):
    """Samples a process tree's memory until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = TreePeak()
        self._done = threading.Event()

    def run(self) -> None:
        seen: set[str] = set()
        while not self._done.wait(SAMPLE_S):
            tree = tree_status(self.root)
            seen.update(tree)
            peak = self.peak
            peak.tree_mb = max(peak.tree_mb, sum(_mb(f.get("VmRSS", "")) for f in tree.values()))
            for pid, fields in tree.items():
                hwm = _mb(fields.get("VmHWM", ""))
                if pid == str(self.root):
                    peak.root_hwm_mb = max(peak.root_hwm_mb, hwm)
                else:
                    peak.child_hwm_mb = max(peak.child_hwm_mb, hwm)
            peak.processes = len(seen)

    def stop(self) -> TreePeak:
        """Stop sampling and give the peaks."""
        self._done.set()
        self.join()
        return self.peak


def start_worker(data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    """`filmstudio worker` on the server's database (the embedded one under `data_dir`)."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "ENVIRONMENT": "development"}
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--log-level", "warning"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """End the worker's process group (it and its children)."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


@dataclass
class RenderResult:
    """What the render half measured."""

    upload_statuses: list[int]
    status: str
    error: str | None
    render_s: float
    idle_mb: float
    peak: TreePeak


def render_attack(
    base: str, auth: dict[str, str], images: list[bytes], script: str, worker_pid: int
) -> RenderResult:
    """Upload the images, make the film, and sample the worker's tree until it is done."""
    with httpx.Client(base_url=base, timeout=300, headers=auth) as http:
        refs: list[str] = []
        statuses = []
        for index, data in enumerate(images):
            answer = http.post(
                "/api/uploads/images",
                files=[("files", (f"bomb-{index}.png", data, "image/png"))],
            )
            statuses.append(answer.status_code)
            if answer.status_code == 201:
                refs.extend(image["ref"] for image in answer.json()["images"])
        if len(refs) != len(images):
            raise SystemExit(f"The API accepted {len(refs)} of {len(images)} images: {statuses}.")
        time.sleep(WORKER_SETTLE_S)
        idle_mb = sum(_mb(f.get("VmRSS", "")) for f in tree_status(worker_pid).values())
        sampler = TreeSampler(worker_pid)
        sampler.start()
        started = time.monotonic()
        project = http.post(
            "/api/projects/create",
            json={
                "title": "Decompression-style images",
                "script": script,
                "images": refs,
                "voice": "female",
                "duration": FILM_MINUTES,
                "music": "ambient",
                "resolution": RESOLUTION,
            },
        )
        if project.status_code != 201:
            sampler.stop()
            raise SystemExit(f"The film was refused: {project.status_code} {project.text}")
        project_id = project.json()["id"]
        state: dict[str, object] = {}
        while time.monotonic() - started < RENDER_TIMEOUT_S:
            state = http.get(f"/api/projects/{project_id}").json()
            if state.get("status") in DONE:
                break
            time.sleep(POLL_S)
        render_s = time.monotonic() - started
        peak = sampler.stop()
    error = state.get("error")
    return RenderResult(
        statuses,
        str(state.get("status", "timed out")),
        str(error) if error else None,
        render_s,
        idle_mb,
        peak,
    )


def report(results: dict[str, RenderResult], image_kb: float) -> tuple[list[str], bool]:
    """The films as Markdown lines ending with the goal line, and whether the goal was met: the
    bomb-style film (the last) completes and its tree peaks under GOAL_TREE_MB and within
    GOAL_OVER_ORDINARY of the ordinary film's (the first)."""
    lines = [
        f"inputs: {IMAGES} images a film; bomb-style PNGs {image_kb:.0f} KB each; "
        f"film {FILM_MINUTES} min {RESOLUTION}, a fresh worker each\n",
        "| images | uploads | film | render s | worker idle MB | tree peak MB | worker VmHWM MB "
        "| largest child VmHWM MB | processes |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in results.items():
        peak = result.peak
        lines.append(
            f"| {label} | {result.upload_statuses} "
            f"| {result.status}{': ' + result.error if result.error else ''} "
            f"| {result.render_s:.1f} | {result.idle_mb:.0f} | {peak.tree_mb:.0f} "
            f"| {peak.root_hwm_mb:.0f} | {peak.child_hwm_mb:.0f} | {peak.processes} |"
        )
    films = list(results.values())
    ordinary, bombs = films[0], films[-1]
    ratio = bombs.peak.tree_mb / max(ordinary.peak.tree_mb, 1.0)
    met = (
        bombs.status == "complete"
        and bombs.peak.tree_mb < GOAL_TREE_MB
        and ratio <= 1.0 + GOAL_OVER_ORDINARY
    )
    lines.append(
        f"\ngoal: bomb-style film's tree < {GOAL_TREE_MB} MB and within "
        f"{GOAL_OVER_ORDINARY:.0%} of the ordinary film's: {bombs.peak.tree_mb:.0f} MB, "
        f"{ratio:.2f} of ordinary, {'met' if met else 'NOT met'}"
    )
    return lines, met
