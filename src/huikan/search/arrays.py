"""Numpy helpers the search build shares."""

from __future__ import annotations

import numpy as np


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting: numpy 2's ``unique`` hashes the values first, 30
    times slower here (3.7 million term hashes of 20 segments: 3.1 s against 0.1 s; merging
    a few hundred keys into 1.6 million: 1.4–1.8 s against 0.04 s)."""
    if not len(values):
        return values
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
