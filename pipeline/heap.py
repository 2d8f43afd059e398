"""Large arrays go back to the system when freed, so a long render's memory stays flat.

glibc maps an allocation of at least its mmap threshold on its own and unmaps it when it is
freed, but after the first such free it raises the threshold to that size (up to 32 MB),
so later frame-, chunk- and picture-sized arrays come from its heaps, where freed memory
mostly stays with the process: a render's resident memory then creeps up with every thread's
largest working set. Fixing the threshold keeps them mapped.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

M_MMAP_THRESHOLD = -3
"""mallopt()'s parameter number for the mmap threshold (glibc's malloc.h)."""
MMAP_THRESHOLD_BYTES = 128 * 1024
"""Allocations from this size up are mapped on their own (glibc's starting value)."""


@cache
def keep_large_allocations_mapped() -> bool:
    """Fix the C library's mmap threshold at MMAP_THRESHOLD_BYTES for this process (once);
    False where the C library offers no mallopt() or refuses it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
