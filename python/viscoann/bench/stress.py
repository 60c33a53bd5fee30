"""``viscoann bench stress``: the traction kernels' block call (viscoann/traction.hpp).

The case: a simulator-style thrust fault of N patches (a near-square grid, 2 km patches, dip 30,
top 1 km, crossing the 15 km interface of the canonical model) and T times 0-50 yr. Rows:
(1) the handle (quadrature and plans of every patch) from nothing; (2) a block of ``--rows``
receiver rows x all N source columns at T times, the cost per entry and its linear
extrapolation in rows to the full N x N matrix (the block call's cost is a sum over entries
plus the time kernels of the call's receiver depths: so the full matrix is extrapolated, and
said so in the notes, when ``--rows`` < N; at large N the cost is per call, not per row, so
the extrapolation overstates); (3) per-point evaluation of a subset of the same
entries (1 x 1 blocks: each entry's quadrature and time kernels alone, PSGRN-style), with its
deviation from the block's values.
"""

from __future__ import annotations

import time

import numpy as np

from ..conventions import YEAR, threads_count
from .rows import log, make_row, timed


def add_arguments(p) -> None:
    # 1000 (the size) does not finish in minutes (bench/RESULTS.md): 100 by default.
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

    t0 = time.perf_counter()
    kernels = _core.TractionKernels(*cols, patches, **opts)
    t_make = time.perf_counter() - t0
    log(f"stress: handle of {n} patches {t_make:.2f} s")
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            n,
            t_make,
            notes=f"traction handle of {n} patches (quadrature, plans), from nothing",
            path="handle",
        )
    )

    n_rows = n if args.rows <= 0 else min(args.rows, n)
    rng = np.random.default_rng(16)
    r_idx = np.sort(rng.choice(n, n_rows, replace=False)).astype(np.int64)
    c_idx = np.arange(n, dtype=np.int64)
    out = {}

    def block():
        out["k"] = kernels.block(r_idx, c_idx, times)[0]

    t_blk, c_blk = timed(block, args.repeats, warmup=0)
    entries = n_rows * n
    per_entry = t_blk / entries
    full = per_entry * n * n
    extrapolated = n_rows < n
    log(
        f"stress: block {n_rows} x {n} x {times.size} times {t_blk:.2f} s "
        f"({per_entry * 1e6:.1f} us per entry; full {n} x {n}: {full:.0f} s"
        f"{' extrapolated' if extrapolated else ''})"
    )
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            entries,
            t_blk,
            full_points=n * n,
            notes=f"block {n_rows} rows x {n} cols x {times.size} times, {per_entry * 1e6:.1f} us"
            f" per entry (cpu {c_blk:.1f} s); full {n} x {n}"
            f" {'extrapolated linearly in rows' if extrapolated else 'measured'}: {full:.0f} s",
            path="block",
            seconds_per_entry=per_entry,
            cpu_seconds=c_blk,
        )
    )

    # Per-point: the same entries one by one (each with its own time kernels).
    k = out["k"]
    pick = rng.choice(entries, min(args.subset, entries), replace=False)
    t0 = time.perf_counter()
    dev = 0.0
    scale = float(np.nanmax(np.abs(k)))
    for e in pick:
        i, j = divmod(int(e), n)
        one = kernels.block(r_idx[i : i + 1], c_idx[j : j + 1], times)[0]
        dev = max(dev, float(np.nanmax(np.abs(one[:, 0, 0] - k[:, i, j]))) / scale)
    t_pp = time.perf_counter() - t0
    per_point = t_pp / len(pick)
    log(
        f"stress: per-point {len(pick)} entries {t_pp:.2f} s ({per_point * 1e3:.1f} ms per "
        f"entry, {per_point / per_entry:.0f}x the block's); max deviation {dev:.1e}"
    )
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            len(pick),
            t_pp,
            full_points=n * n,
            notes=f"per-point (1 x 1 blocks) on {len(pick)} of the entries: "
            f"{per_point * 1e3:.1f} ms per entry, {per_point / per_entry:.0f}x the block's; "
            f"max |1x1 - block| / max|K| {dev:.1e}",
            path="per-point",
        )
    )
    return rows
