"""The traction kernels' radial tables (cpp/src/depth_tables.cpp): the block call's remainder
from tables on a shared source-depth grid, interpolated, against the direct evaluation (a
Bessel row per quadrature node and receiver, time kernels per node depth) of the same handle;
entries independent of the block; the tables rebuilt for other times."""

from __future__ import annotations

import numpy as np
from viscoann import _core
from viscoann.earth import EarthModel

YR = 365.25 * 86400.0


def _patches():
    """A thrust (dip 30, 2 km patches) next to the 15 km interface of the canonical model:
    centres 0.5 km above and below it (its bottom and top edges on it) and one across it."""
    c, s = np.cos(np.radians(30.0)), 0.5
    rows = []
    for depth, east in ((14.5e3, 0.0), (15.5e3, 2e3 * c)):
        for north in (0.0, 2e3):
            rows.append([east, north, depth, 0.0, 30.0, 90.0, 2e3, 2e3])
    rows.append([-3e3, 5e3, 15e3 + 0.8e3 * s, 20.0, 30.0, 60.0, 2e3, 2e3])
    return np.array(rows)


def _kernels(patches, **kw):
    return _core.TractionKernels(*EarthModel.canonical(1e19, 1e18).columns(), patches, **kw)


TIMES = np.array([0.0, 30.0]) * YR


def test_tables_equal_direct_evaluation():
    k = _kernels(_patches()[[0, 3, 4]], threads=2)
    idx = np.arange(3, dtype=np.int64)
    tab, flags = k.block(idx, idx, TIMES)
    ref, flags_ref = k.block(idx, idx, TIMES, direct=True)
    assert np.array_equal(flags, flags_ref)
    scale = np.max(np.abs(ref))
    # The tables' interpolation (depth, radius) and the pairs' own quadrature: <= 1e-5 of the
    # largest entry (measured 5e-7 on entry (0, 0)).
    assert np.max(np.abs(tab - ref)) <= 1e-5 * scale
    # The check is not vacuous: the relaxation changes the entries by far more than that.
    assert np.max(np.abs(ref[1] - ref[0])) > 1e-2 * scale


def test_tables_block_equals_entries_and_other_times_rebuild():
    # Patches 7 km and more from the interface (cheap tables): the caching is checked here.
    p = _patches()[:4].copy()
    p[:, 2] -= 8e3
    k = _kernels(p, threads=2)
    rows = np.array([3, 0, 2], dtype=np.int64)
    cols = np.array([2, 3, 1], dtype=np.int64)
    blk = k.block(rows, cols, TIMES)[0]
    for i in range(rows.size):
        for j in range(cols.size):
            one = k.block(rows[i : i + 1], cols[j : j + 1], TIMES)[0]
            assert np.array_equal(one[:, 0, 0], blk[:, i, j])
    # Other times build other tables; the first times again give the same entries.
    other = k.block(rows, cols, np.array([1.0, 2.0, 3.0]) * YR)[0]
    assert other.shape == (3, 3, 3, 3) and np.all(np.isfinite(other))
    assert np.array_equal(k.block(rows, cols, TIMES)[0], blk)
