"""Waveform peaks per pixel column: the vectorised reduction equals the plain per-column loop."""
from __future__ import annotations

import math

import numpy as np

from desktop.media.waveforms import BIN, waveform
from mediafactory import write_audio


def reference_peaks(wave, start, end, columns):
    """Waveform.peaks written the plain way: a loop over the columns."""
    out = np.zeros((columns, 2), np.float32)
    per_column = (end - start) * wave.sample_rate / columns
    k = max(0, min(len(wave.levels) - 1, int(math.floor(math.log2(max(per_column / BIN, 1))))))
    level, block = wave.levels[k], BIN * 2**k
    edges = np.floor((start + (end - start) * np.arange(columns + 1) / columns) * wave.sample_rate / block)
    for c in range(columns):
        lo, hi = max(int(edges[c]), 0), min(max(int(edges[c + 1]), int(edges[c]) + 1), len(level))
        if hi > lo:
            out[c] = level[lo:hi, 0].min(), level[lo:hi, 1].max()
    return out


def test_vectorised_peaks_equal_a_plain_loop(tmp_path):
    path = write_audio(tmp_path / "sweep.wav", seconds=3.0, sweep=(50, 4000), amplitude=0.8)
    wave = waveform(path, cache=tmp_path / "cache")
    rng = np.random.default_rng(1)
    cases = [(0.0, 3.0, 1), (0.0, 3.0, 900), (-0.5, 0.5, 300), (2.5, 3.5, 77), (1.0, 1.001, 40), (4.0, 5.0, 10)]
    cases += [(float(a), float(a + d), int(n)) for a, d, n in
              zip(rng.uniform(-1, 3.5, 30), rng.uniform(0.001, 3, 30), rng.integers(1, 3000, 30))]
    for start, end, n in cases:
        np.testing.assert_array_equal(wave.peaks(start, end, n), reference_peaks(wave, start, end, n))
