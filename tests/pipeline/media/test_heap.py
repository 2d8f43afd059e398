"""The render's C heap: at most two arenas, and free pages handed back to the system."""

from __future__ import annotations

import subprocess
import sys

from pipeline.media.heap import limit_arenas, release_free_memory

PROBE = """
import sys
from pipeline.media.heap import release_free_memory

def anon_mb():
    for line in open('/proc/self/status'):
        if line.startswith('RssAnon'):
            return int(line.split()[1]) / 1024
    raise SystemExit('no RssAnon')

blocks, pins = [], []
for _ in range(600):
    blocks.append(bytearray(100_000))  # under glibc's mmap threshold: from the heap
    pins.append(bytearray(600))  # keeps the freed blocks inside the heap, not at its top
del blocks
before = anon_mb()
trimmed = release_free_memory()
print(trimmed, before - anon_mb())
"""


def test_limit_arenas_is_accepted_once() -> None:
    assert limit_arenas() is True
    assert limit_arenas() is True


def test_release_hands_freed_heap_pages_back() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    trimmed, released_mb = done.stdout.split()
    assert trimmed == "True"
    assert float(released_mb) > 30, "about 60 MB of freed blocks were inside the heap"


def test_release_with_nothing_to_hand_back_is_harmless() -> None:
    release_free_memory()
    assert isinstance(release_free_memory(), bool)
