"""numpy's BLAS on one thread while a film is encoded.

The sound's resampler (pipeline.media.resample) is a matrix product, which OpenBLAS would
spread over every core. With x264 already keeping them busy its worker threads spin-wait for
a share of CPU: measured on 2 cores, the same resampling then burned eight times the CPU
time, most of it taken from x264. One thread does the work at its single-core cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

SINGLE_THREAD = 1


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Inside the block every BLAS library numpy loaded runs on one thread (restored after)."""
    with threadpool_limits(limits=SINGLE_THREAD, user_api="blas"):
        yield
