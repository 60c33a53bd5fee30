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


def _traction_case():
    from viscoann.sources import RectangularFault

    p = _patches()[:4].copy()
    p[:, 2] -= 8e3
    faults = [
        RectangularFault(*r[:3], strike=r[3], dip=r[4], length=r[6], width=r[7], rake=r[5], slip=1)
        for r in p
    ]
    return EarthModel.canonical(1e19, 1e18), faults


def test_store_reused_bit_for_bit_resumed_and_checked(tmp_path, monkeypatch):
    """traction_kernels(store=...): the first call builds and writes the tables, a second call
    (a fresh handle) reads them and gives the same kernels bit for bit without building any; an
    interrupted build resumes from the panels it wrote; another model, other times or another
    resolution are refused, naming what differs."""
    import pytest
    from viscoann import exact, traction_store

    model, faults = _traction_case()
    path = tmp_path / "k.h5"
    plain = exact.traction_kernels(model, faults, faults, TIMES, threads=2)
    first = exact.traction_kernels(model, faults, faults, TIMES, threads=2, store=path)
    assert path.is_file() and not (tmp_path / "k.h5.partial").exists()
    assert np.array_equal(first, plain)

    built = []
    real = _core.TractionKernels.panel_tables
    monkeypatch.setattr(
        _core.TractionKernels,
        "panel_tables",
        lambda self, p, t: built.append(p) or real(self, p, t),
    )
    again = exact.traction_kernels(model, faults, faults, TIMES, threads=2, store=path)
    assert np.array_equal(again, first) and built == []

    # An interruption after the first panel: the resumed build builds only the rest.
    calls = []

    def stop_after_one(self, p, t):
        if calls:
            raise KeyboardInterrupt
        calls.append(p)
        return real(self, p, t)

    path2 = tmp_path / "k2.h5"
    monkeypatch.setattr(_core.TractionKernels, "panel_tables", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        exact.traction_kernels(model, faults, faults, TIMES, store=path2)
    assert (tmp_path / "k2.h5.partial" / "panel0.npy").is_file() and not path2.exists()
    built.clear()
    monkeypatch.setattr(
        _core.TractionKernels,
        "panel_tables",
        lambda self, p, t: built.append(p) or real(self, p, t),
    )
    resumed = exact.traction_kernels(model, faults, faults, TIMES, threads=2, store=path2)
    assert np.array_equal(resumed, first) and 0 not in built and path2.is_file()

    other = EarthModel.canonical(1e20, 1e18)
    for kw, what in (
        (dict(model=other), "model differs"),
        (dict(times=TIMES * 2), "times differs"),
        (dict(tol=1e-5), "tol differs"),
    ):
        args = dict(model=model, sources=faults, receivers=faults, times=TIMES) | kw
        with pytest.raises(ValueError, match=what):
            exact.traction_kernels(**args, store=path)
    assert traction_store.FORMAT == "viscoann-traction-store"

    # A store of the previous layout (version 1: 76 values a row) is refused by name.
    import shutil

    import h5py

    old = tmp_path / "v1.h5"
    shutil.copy(path, old)
    with h5py.File(old, "a") as f:
        f.attrs["version"] = 1
    with pytest.raises(ValueError, match="not a viscoann-traction-store file of version 2"):
        exact.traction_kernels(model, faults, faults, TIMES, store=old)


def test_panel_tables_refuse_bad_input():
    import pytest

    model, faults = _traction_case()
    k = _kernels(_patches()[:2] - [0, 0, 8e3, 0, 0, 0, 0, 0])
    n = k.n_panels
    assert n >= 1
    with pytest.raises(ValueError, match=f"panel {n} is invalid; allowed: < {n}"):
        k.panel_tables(n, TIMES)
    size = k.panel_tables(0, TIMES).size
    with pytest.raises(ValueError, match=f"panel 0: 5 table values is invalid; allowed: {size}"):
        k.set_panel_tables(0, TIMES, np.ones(5))
    with pytest.raises(ValueError, match=r"times\[1\] = -1 is invalid"):
        k.panel_tables(0, np.array([0.0, -1.0]))

    # Filled in place (a store's read): the same tables give the same block; values that are
    # not finite, or a failing fill, leave the handle's tables as they were.
    idx = np.arange(2)
    want = k.block(idx, idx, TIMES)[0]
    tables = [k.panel_tables(p, TIMES) for p in range(n)]
    assert k.panel_table_size(0, TIMES.size) == size
    k2 = _kernels(_patches()[:2] - [0, 0, 8e3, 0, 0, 0, 0, 0])
    for p in range(n):
        k2.fill_panel_tables(p, TIMES, lambda v, p=p: v.__setitem__(slice(None), tables[p]))
    assert np.array_equal(k2.block(idx, idx, TIMES)[0], want)
    with pytest.raises(ValueError, match="data.* = nan is invalid"):
        k2.fill_panel_tables(0, TIMES, lambda v: v.fill(np.nan))

    def fail(v):
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        k2.fill_panel_tables(0, TIMES, fail)
    assert np.array_equal(k2.panel_tables(0, TIMES), tables[0])
