"""The C heap of a render: few arenas, and freed memory handed back to the system now and then.

glibc gives each thread that allocates its own arena (up to eight per core), and memory freed
inside an arena mostly stays with the process. A render allocates frame-, chunk- and
picture-sized arrays on several threads (drawing, sound, the caller), so its resident memory
creeps up with film length. Two arenas are enough for its few threads, and trimming (which
returns the free pages inside every arena, not only at their tops) at a slow, fixed pace keeps
the heap near its working set; the pages a trim returns are faulted in again only if reused.
render_film limits the arenas; the encoder's drawing thread and the sound job trim.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any

M_ARENA_MAX = -8
"""mallopt()'s parameter number for the most arenas (glibc's malloc.h)."""
ARENAS = 2
"""Arenas a render process may use."""


@cache
def _libc() -> Any | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


@cache
def limit_arenas() -> bool:
    """Let this process's C heap use at most ARENAS arenas (once); False where the C library
    has no mallopt() or refuses it. Threads that already have an arena keep it."""
    libc = _libc()
    return libc is not None and bool(libc.mallopt(M_ARENA_MAX, ARENAS))


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system; whether any were (False where the C
    library has no malloc_trim())."""
    libc = _libc()
    return libc is not None and bool(libc.malloc_trim(0))
