"""OpenCV on the calling thread only while a film's frames are drawn for the encoder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cv2

SINGLE_THREAD = 1


@contextmanager
def one_opencv_thread() -> Iterator[None]:
    """Inside the block OpenCV runs every function on the thread that calls it (the setting
    is restored after): x264 already keeps every core busy, so OpenCV's worker threads would
    only compete with it, and the frame drawer's CPU time then holds all the picture work."""
    before = cv2.getNumThreads()
    cv2.setNumThreads(SINGLE_THREAD)
    try:
        yield
    finally:
        cv2.setNumThreads(before)
