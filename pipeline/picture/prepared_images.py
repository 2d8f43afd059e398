"""A film's prepared pictures: a few in memory, every one also kept on disk for its next shot.

Preparing a picture (decode, scale to the Ken Burns cover size, convert to Y/U/V) takes about
50 ms of CPU at 720p, and a film shows the same pictures again and again. Each picture is
prepared once: its planes go to an unlinked temporary file, and a shot that shows it again
after it has left memory reads them back (a read of 2 MB at 720p, mostly from the page
cache), so memory still holds only `keep` pictures whatever the film's length.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from pipeline.media.yuv import YuvImage


@dataclass(frozen=True)
class _Spilled:
    """Where a prepared picture's planes lie in the spill file."""

    offset: int
    height: int
    width: int


class PreparedImages:
    """Prepared pictures by path; prepare(path) makes one when it was never made or added."""

    def __init__(self, prepare: Callable[[Path], YuvImage], keep: int) -> None:
        self._prepare = prepare
        self._keep = keep
        self._held: OrderedDict[Path, YuvImage] = OrderedDict()
        self._spilled: dict[Path, _Spilled] = {}
        self._file: IO[bytes] | None = None
        self._end = 0

    def __len__(self) -> int:
        """How many prepared pictures are in memory."""
        return len(self._held)

    def get(self, path: Path) -> YuvImage:
        """The prepared picture of path: from memory, read back from disk, or made now."""
        held = self._held.get(path)
        if held is not None:
            self._held.move_to_end(path)
            return held
        spilled = self._spilled.get(path)
        image = self._read(spilled) if spilled is not None else self._made(path)
        self._held[path] = image
        while len(self._held) > self._keep:
            self._held.popitem(last=False)
        return image

    def add(self, path: Path, image: YuvImage) -> None:
        """Keep a picture prepared ahead on disk only (read back when first shown)."""
        if path not in self._spilled and path not in self._held:
            self._spill(path, image)

    def _made(self, path: Path) -> YuvImage:
        image = self._prepare(path)
        self._spill(path, image)
        return image

    def _spill(self, path: Path, image: YuvImage) -> None:
        planes = [np.ascontiguousarray(plane) for plane in (image.y, image.u, image.v)]
        spill = self._spill_file()
        written = os.pwritev(spill.fileno(), [plane.data for plane in planes], self._end)
        if written == sum(plane.nbytes for plane in planes):
            self._spilled[path] = _Spilled(self._end, image.height, image.width)
            self._end += written

    def _read(self, spilled: _Spilled) -> YuvImage:
        assert self._file is not None
        height, width = spilled.height, spilled.width
        luma = height * width
        data = np.empty(luma + luma // 2, np.uint8)
        count = os.preadv(self._file.fileno(), [data.data], spilled.offset)
        if count != data.nbytes:
            raise OSError(f"The prepared picture's spill file gave {count} of {data.nbytes} bytes.")
        u_end = luma + luma // 4
        return YuvImage(
            data[:luma].reshape(height, width),
            data[luma:u_end].reshape(height // 2, width // 2),
            data[u_end:].reshape(height // 2, width // 2),
        )

    def _spill_file(self) -> IO[bytes]:
        if self._file is None:
            # Open as long as this store lives (closed by the finalizer), so no context manager.
            self._file = tempfile.TemporaryFile(prefix="prepared-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)
        return self._file
