"""Dynamic time warping: the cheapest monotonic path through a cost matrix.

The path starts at the top-left cell, ends at the bottom-right one and moves one row down,
one column right, or both at each step. Used to align the tokens of a known transcript (rows)
to audio frames (columns) from the Whisper decoder's cross-attention.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_DIAGONAL, _DOWN, _RIGHT = 0, 1, 2


def dtw_path(cost: npt.NDArray[np.floating]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rows, columns) of the cheapest monotonic path through cost, shape (n, m), in order.

    Ties prefer the diagonal, then a step down; ValueError for an empty matrix.
    """
    if cost.ndim != 2 or cost.shape[0] == 0 or cost.shape[1] == 0:
        raise ValueError(f"DTW needs a non-empty two-dimensional cost matrix, got {cost.shape}.")
    n, m = cost.shape
    values = np.asarray(cost, dtype=np.float64).tolist()
    total = [[np.inf] * (m + 1) for _ in range(n + 1)]
    total[0][0] = 0.0
    step = [[_DIAGONAL] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        for i in range(1, n + 1):
            best, move = total[i - 1][j - 1], _DIAGONAL
            if total[i - 1][j] < best:
                best, move = total[i - 1][j], _DOWN
            if total[i][j - 1] < best:
                best, move = total[i][j - 1], _RIGHT
            total[i][j] = values[i - 1][j - 1] + best
            step[i][j] = move
    rows: list[int] = []
    columns: list[int] = []
    i, j = n, m
    while i > 0 and j > 0:
        rows.append(i - 1)
        columns.append(j - 1)
        move = step[i][j]
        if move == _DIAGONAL:
            i, j = i - 1, j - 1
        elif move == _DOWN:
            i -= 1
        else:
            j -= 1
    return np.asarray(rows[::-1], dtype=np.int64), np.asarray(columns[::-1], dtype=np.int64)


def row_starts(
    rows: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """The first column the path reaches in each row (the path from dtw_path)."""
    first = np.ones(len(rows), dtype=bool)
    first[1:] = np.diff(rows) != 0
    return columns[first]
