"""``viscoann bench stress``: the traction kernels' block call (viscoann/traction.hpp).

The case: a simulator-style thrust fault of N patches (a near-square grid, 2 km patches, dip 30,
top 1 km, crossing the 15 km interface of the canonical model) and T times 0-50 yr. Rows:
(1) the handle (quadrature, depth grid) from nothing; (2) a block of ``--rows`` receiver rows
x all N source columns at T times from the fresh handle: it builds the radial tables of the
depth panels it needs (the "from nothing" cost is handle + this block); (3) the same block
again, the tables kept in the handle (the cost of evaluation alone); (3b) the same block from a
store (a fresh handle reading the tables written to an HDF5 file; the median of at least 3
runs); the cost per entry and,
for ``--rows`` < N, the full N x N matrix extrapolated linearly in rows (said so in the notes;
the tables are built once, so the extrapolation of row 2 overstates); (4) per-point evaluation
of a subset of the same entries (1 x 1 blocks without tables: each entry's own time kernels and
a Bessel row per quadrature node, PSGRN-style), with the block's deviation from them (the
tables' interpolation error, relative to the block's largest entry).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np

from ..conventions import YEAR, threads_count
from .rows import log, make_row, timed


def add_arguments(p) -> None:
    # 1000 (the size) takes ~12 min on 2 cores (bench/RESULTS.md): 100 by default.
    p.add_argument("--patches", type=int, default=100, help="fault patches N (N x N matrix)")
    p.add_argument("--times", type=int, default=10)
    p.add_argument(
        "--rows", type=int, default=0, help="receiver rows of the timed block (0: all N)"
    )
    p.add_argument("--subset", type=int, default=4, help="entries evaluated one by one")
    p.add_argument("--tol", type=float, default=1e-6)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="0: all cores")


def stress_case(n_patches: int, n_times: int):
    """Patches (N, 8) (east, north, depth, strike, dip, rake, length, width), times [s], model."""
    from ..earth import EarthModel

    n_d = max(1, round(np.sqrt(n_patches / 1.6)))
    n_s = max(1, round(n_patches / n_d))
    size, dip = 2e3, 30.0
    rows = []
    for d in range(n_d):
        eta = (d + 0.5) * size  # down dip from the top edge at 1 km
        for s in range(n_s):
            rows.append(
                [
                    eta * np.cos(np.radians(dip)),
                    (s + 0.5) * size,
                    1e3 + eta * np.sin(np.radians(dip)),
                    0.0,
                    dip,
                    90.0,
                    size,
                    size,
                ]
            )
    times = np.concatenate([[0.0], np.geomspace(0.1, 50.0, n_times - 1)]) * YEAR
    return np.array(rows), times, EarthModel.canonical(1e19, 1e18)


def run(args) -> list[dict]:
    from .. import _core

    threads = threads_count(args.threads)
    patches, times, model = stress_case(args.patches, args.times)
    n = len(patches)
    cols = model.columns()
    opts = dict(tol=args.tol, threads=threads)
    rows = []
    n_rows = n if args.rows <= 0 else min(args.rows, n)
    rng = np.random.default_rng(16)
    r_idx = np.sort(rng.choice(n, n_rows, replace=False)).astype(np.int64)
    c_idx = np.arange(n, dtype=np.int64)
    entries = n_rows * n
    out, kern = {}, {}

    def make():
        kern["k"] = _core.TractionKernels(*cols, patches, **opts)

    def first():
        make()
        out["k"] = kern["k"].block(r_idx, c_idx, times)[0]

    # From nothing: a fresh handle and its first block (tables built), per repeat.
    load = os.getloadavg()[0]
    t_make, c_make = timed(make, args.repeats, warmup=0)
    t_first, c_first = timed(first, args.repeats, warmup=0)
    t_first_blk, c_first_blk = t_first - t_make, c_first - c_make
    log(f"stress: handle of {n} patches {t_make:.2f} s")
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            n,
            t_make,
            notes=f"traction handle of {n} patches (quadrature, depth grid), from nothing "
            f"(cpu {c_make:.2f} s, load {load:.1f})",
            path="handle",
            cpu_seconds=c_make,
        )
    )
    extrapolated = n_rows < n

    def block_row(path, wall, cpu, what):
        per_entry = wall / entries
        full = per_entry * n * n
        log(
            f"stress: {what} {n_rows} x {n} x {times.size} times {wall:.2f} s (cpu {cpu:.1f} s;"
            f" {per_entry * 1e6:.1f} us per entry; full {n} x {n}: {full:.1f} s"
            f"{' extrapolated' if extrapolated else ''})"
        )
        return make_row(
            "exact",
            "cpu",
            threads,
            entries,
            wall,
            full_points=n * n,
            notes=f"{what}: {n_rows} rows x {n} cols x {times.size} times, "
            f"{per_entry * 1e6:.1f} us per entry (cpu {cpu:.1f} s, load "
            f"{os.getloadavg()[0]:.1f}); full {n} x {n} "
            f"{'extrapolated linearly in rows' if extrapolated else 'measured'}: {full:.1f} s",
            path=path,
            seconds_per_entry=per_entry,
            cpu_seconds=cpu,
        )

    rows.append(block_row("block", t_first_blk, c_first_blk, "first block (builds tables)"))
    k_tab = kern["k"]

    def again():
        out["k"] = k_tab.block(r_idx, c_idx, times)[0]

    t_blk, c_blk = timed(again, args.repeats, warmup=0)
    rows.append(block_row("block-cached", t_blk, c_blk, "block again (tables in the handle)"))

    # From a store: the handle's tables written to disk once, then a fresh handle reads them
    # and evaluates the same block (what a later run pays).
    from .. import traction_store

    res = dict(tol=args.tol, talbot_nodes=20, k_refine=1.0, r_refine=1.0)
    meta = dict(model_columns=cols, patches=patches, times=times, resolution=res)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tables.h5"
        t0 = time.perf_counter()
        traction_store.attach(k_tab, path, **meta)
        t_write, size = time.perf_counter() - t0, path.stat().st_size

        def from_store():
            h = _core.TractionKernels(*cols, patches, **opts)
            traction_store.attach(h, path, **meta)
            out["s"] = h.block(r_idx, c_idx, times)[0]

        # At least 3 runs (cheap beside the build): the first read follows the write at once
        # and varies most; the row is their median, the first one in the notes.
        walls, cpus = [], []
        for _ in range(max(args.repeats, 3)):
            t0, c0 = time.perf_counter(), time.process_time()
            from_store()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        t_st, c_st = float(np.median(walls)), float(np.median(cpus))
    same = bool(np.array_equal(out["s"], out["k"], equal_nan=True))
    row = block_row(
        "from-store",
        t_st,
        c_st,
        f"from a store (handle + read {size / 2**20:.0f} MB + block; median of {len(walls)}, "
        f"the first {walls[0]:.2f} s; written once in {t_write:.1f} s; equal to the block bit "
        f"for bit: {same})",
    )
    rows.append(
        row
        | dict(
            store_bytes=size,
            store_write_seconds=t_write,
            bitwise_equal=same,
            store_run_seconds=walls,
        )
    )

    # Per-point: the same entries one by one without tables (each with its own time kernels).
    k = out["k"]
    pick = rng.choice(entries, min(args.subset, entries), replace=False)
    t0 = time.perf_counter()
    dev = 0.0
    scale = float(np.nanmax(np.abs(k)))
    for e in pick:
        i, j = divmod(int(e), n)
        one = k_tab.block(r_idx[i : i + 1], c_idx[j : j + 1], times, direct=True)[0]
        dev = max(dev, float(np.nanmax(np.abs(one[:, 0, 0] - k[:, i, j]))) / scale)
    t_pp = time.perf_counter() - t0
    per_point = t_pp / len(pick)
    per_entry = t_blk / entries
    log(
        f"stress: per-point {len(pick)} entries {t_pp:.2f} s ({per_point * 1e3:.1f} ms per "
        f"entry, {per_point / per_entry:.0f}x the cached block's); max deviation {dev:.1e}"
    )
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            len(pick),
            t_pp,
            full_points=n * n,
            notes=f"per-point (1 x 1 blocks, no tables) on {len(pick)} of the entries: "
            f"{per_point * 1e3:.1f} ms per entry, {per_point / per_entry:.0f}x the cached "
            f"block's; max |block - per-point| / max|K| {dev:.1e}",
            path="per-point",
            max_deviation=dev,
        )
    )
    return rows
