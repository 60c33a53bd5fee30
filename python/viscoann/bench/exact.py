"""``viscoann bench exact``: the layered viscoelastic solver on the seed paper's test grid,
timed per (depth, viscosity) pair and extrapolated to the full grid, against the seed's
viscoelastic code (DeVries et al. 2017)."""

from __future__ import annotations

import os
import statistics
import time

import numpy as np

from ..conventions import threads_count
from .rows import log, make_row
from .workloads import SEED_TEST, seed_test_grid

SEED_EXACT_SECONDS = 419_790.0  # DeVries et al. 2017, viscoelastic code, full test set


def add_arguments(p) -> None:
    p.add_argument("--depths", type=int, default=2, help="depths timed (of 13)")
    p.add_argument("--etas", type=int, default=2, help="viscosity structures timed (of 25)")
    p.add_argument("--points", type=int, default=10_000, help="surface points (square grid)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")


def run(args) -> list[dict]:
    """Time ``exact.grid`` on a (depth, viscosity) subset of the seed's test grid and
    extrapolate per pair to all 13 x 25 pairs; accuracy = default vs doubled resolution."""
    from .. import exact

    x, y, depths, times, etas = seed_test_grid(args.points)
    d_sel = depths[np.linspace(0, len(depths) - 1, args.depths).round().astype(int)]
    e_sel = etas[np.linspace(0, len(etas) - 1, args.etas).round().astype(int)]
    threads = threads_count(args.threads) or (os.cpu_count() or 1)
    pairs = len(d_sel) * len(e_sel)
    samples = pairs * len(times) * x.size
    full = SEED_TEST["points"] * SEED_TEST["depths"] * SEED_TEST["etas"] * SEED_TEST["times"]
    stages_all, secs = [], []
    log(f"exact: {pairs} (depth, viscosity) pairs x {times.size} times x {x.size} points")
    exact.grid(x[:100], y[:100], d_sel[:1], times[:3], e_sel[:1], threads=threads)  # warm-up
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        _, st = exact.grid(x, y, d_sel, times, e_sel, threads=threads, return_stages=True)
        secs.append(time.perf_counter() - t0)
        stages_all.append(st)
        log(f"  {secs[-1]:.3f} s  {st}")
    med = statistics.median(secs)
    st = stages_all[secs.index(med)] if med in secs else stages_all[0]
    # Accuracy: doubled wavenumber/radial resolution and 2x Talbot nodes on 400 points.
    sub = slice(None, None, max(1, x.size // 400))
    a = exact.grid(x[sub], y[sub], d_sel, times, e_sel, threads=threads)
    b = exact.grid(
        x[sub],
        y[sub],
        d_sel,
        times,
        e_sel,
        threads=threads,
        talbot_nodes=48,
        k_refine=2.0,
        r_refine=2.0,
    )
    resid = float(np.mean(np.abs(a - b)))
    rel_max = float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
    per_pair = {k: v / pairs for k, v in st.items()}
    notes = (
        f"s per (depth, viscosity) pair {med / pairs:.3f} (kernels {per_pair['kernels']:.3f},"
        f" transforms {per_pair['transforms']:.3f}, evaluation "
        f"{per_pair['evaluation']:.3f}); max |default - 2x resolution| / max|u| "
        f"{rel_max:.1e}"
    )
    rows = [
        make_row(
            "exact",
            "cpu",
            threads,
            samples,
            med,
            full_points=full,
            mean_abs_residual=resid,
            notes=notes,
            seconds_per_pair=med / pairs,
            stages_per_pair=per_pair,
        ),
        make_row(
            "seed-paper",
            "cpu",
            1,
            full,
            SEED_EXACT_SECONDS,
            full_points=full,
            notes="DeVries et al. 2017 viscoelastic code, full test set",
        ),
    ]
    rows[0]["speedup_vs_seed"] = SEED_EXACT_SECONDS / rows[0]["extrapolated_full_seconds"]
    return rows
