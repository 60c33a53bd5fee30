"""``viscoann bench faults``: any source through the exact solver's elementary tables.

Rows: (1) the elementary tables of one (model, depth) — ten radial functions, all times —
against the canonical source's table on the same radii and times (the seed's fast path,
``exact.grid``); (2) a fault of P patches at S stations and T times from nothing
(``exact.displacement``); (3) the same from a store (``Store.displacement``; its build timed
apart); (4) the per-sample wavenumber integral at every (node, station, time) on a subset,
extrapolated linearly in stations x times, with the tables' deviation from it.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from ..conventions import R_MAX, YEAR, threads_count
from .rows import log, make_row, timed


def add_arguments(p) -> None:
    p.add_argument("--patches", type=int, default=100, help="fault patches (a square grid)")
    p.add_argument("--stations", type=int, default=1000)
    p.add_argument("--times", type=int, default=100)
    p.add_argument("--subset", type=int, default=10, help="stations of the per-sample subset")
    p.add_argument("--subset-times", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")


def fault_case(n_patches: int, n_stations: int, n_times: int, seed: int = 14):
    """The benchmark's fault: a 50 x 28 km thrust (strike 30, dip 40, rake 100, top 1 km) in
    sqrt(P) x sqrt(P) patches with a smooth slip, stations uniform in a 200 km square, times
    0-50 yr (dense early), the canonical model (eta_M 1e19, eta_K 1e18 Pa s)."""
    from ..earth import EarthModel
    from ..sources import RectangularFault
    from ..stations import Stations

    n = max(1, round(np.sqrt(n_patches)))
    length, width, dip, strike = 50e3, 28e3, 40.0, 30.0
    top_centre_depth = 1e3 + 0.5 * width * np.sin(np.radians(dip))
    whole = RectangularFault(0.0, 0.0, top_centre_depth, strike, dip, length, width, 100.0, 1.0)
    patches = []
    for k, p in enumerate(whole.subdivide(n, n)):
        i, j = divmod(k, n)
        slip = 2.0 * np.sin(np.pi * (i + 0.5) / n) * np.sin(np.pi * (j + 0.5) / n)
        patches.append(
            RectangularFault(
                p.east, p.north, p.depth, strike, dip, p.length, p.width, 100.0, float(slip)
            )
        )
    rng = np.random.default_rng(seed)
    e, nth = rng.uniform(-100e3, 100e3, (2, n_stations))
    times = np.concatenate([[0.0], np.geomspace(0.01, 50.0, n_times - 1)]) * YEAR
    return EarthModel.canonical(1e19, 1e18), patches, Stations(e, nth), times


class _PerSample:
    """A tables provider for exact_sources that solves every (node, station, time) sample by
    the per-sample wavenumber integral (the path before tables), remainder only."""

    def __init__(self, model, times, opts):
        from .. import _core
        from ..exact_sources import _Factors

        self.core, self.model, self.times, self.opts = _core, model, times, opts
        self.factors = _Factors(times, False, opts)

    def remainder(self, depth, tensors, x, y, r_max):
        m, s = x.shape
        nt = self.times.size
        total = np.zeros((nt, s, 3))
        ts = np.repeat(self.times, s)  # samples in (time, station) order
        for q in range(m):
            u = self.core.point_source_displacement(
                *self.model.columns(),
                float(depth),
                np.tile(x[q], nt),
                np.tile(y[q], nt),
                ts,
                potency_tensor=tensors[q],
                **self.opts,
            )
            total += u.reshape(nt, s, 3)
        layer = self.model.layer_at(depth)
        return total - self.factors.homogeneous(layer, depth, tensors, x, y)


def run(args) -> list[dict]:
    from .. import _core, exact, exact_sources
    from ..sources import Fault
    from ..stations import Stations

    threads = threads_count(args.threads) or (os.cpu_count() or 1)
    opts = dict(talbot_nodes=20, k_refine=1.0, r_refine=1.0, threads=threads)
    model, patches, stations, times = fault_case(args.patches, args.stations, args.times)
    fault = Fault(patches)
    rows = []

    # (1) tables of one (model, depth) against the canonical table, same radii and times.
    cols, depth = model.columns(), 10e3
    seed_times = np.linspace(0.0, 100.0, 81) ** 2 / 100.0 * YEAR
    t_tab, c_tab = timed(
        lambda: _core.elementary_tables(*cols, depth, R_MAX, seed_times, **opts), args.repeats
    )
    corner = np.array([R_MAX / np.sqrt(2.0)])  # one point at the domain's corner: r = R_MAX
    t_can, c_can = timed(
        lambda: exact.grid(corner, corner, [depth], seed_times, [[1e19, 1e18]], threads=threads),
        args.repeats,
    )
    log(f"faults: elementary tables {t_tab:.3f} s, canonical table {t_can:.3f} s")
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            seed_times.size,
            t_tab,
            notes=f"elementary tables (10 radial functions, r <= {R_MAX / 1e3:.0f} km, 81 "
            f"times) {t_tab / t_can:.2f}x the canonical table ({t_can:.3f} s, cpu "
            f"{c_tab:.3f} vs {c_can:.3f} s)",
            path="tables",
            baseline_seconds=t_can,
            ratio=t_tab / t_can,
        )
    )

    # (2) the fault from nothing (no cache survives between calls: each builds its tables).
    n_samples = len(stations) * times.size
    u = exact.displacement(model, fault, stations, times, threads=threads)
    t_direct, c_direct = timed(
        lambda: exact.displacement(model, fault, stations, times, threads=threads),
        args.repeats,
        warmup=0,
    )
    load = os.getloadavg()[0]
    log(
        f"faults: {len(patches)} patches x {len(stations)} stations x {times.size} times "
        f"from nothing {t_direct:.2f} s (cpu {c_direct:.2f} s, load average {load:.1f})"
    )
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            n_samples,
            t_direct,
            notes=f"{len(patches)} patches x {len(stations)} stations x {times.size} times, "
            f"from nothing (tables per quadrature depth); cpu {c_direct:.2f} s, load average "
            f"{load:.1f} on {os.cpu_count()} cores",
            path="direct",
            cpu_seconds=c_direct,
            load_average=load,
        )
    )

    # (3) from a store: depths every 0.5 km over the fault, r_max over every pair.
    top = min(p.top for p in patches)
    bottom = max(p.bottom for p in patches)
    grid = np.arange(max(0.25e3, np.floor(top / 500.0) * 500.0), bottom + 1e3, 500.0)
    # r_max: the farthest station from any patch corner (the nodes lie inside the patches).
    corners = np.concatenate([p.corners()[:, :2] for p in patches])
    span = float(
        np.hypot(
            stations.east[:, None] - corners[None, :, 0],
            stations.north[:, None] - corners[None, :, 1],
        ).max()
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = os.path.join(tmp, "s.h5")
        store = exact.Store.build(model, grid, times, path, r_max=span, threads=threads)
        t_build = time.perf_counter() - t0
        us = store.displacement(fault, stations, threads=threads)
        t_store, c_store = timed(
            lambda: store.displacement(fault, stations, threads=threads), args.repeats, warmup=0
        )
    dev = float(np.abs(us - u).max() / np.abs(u).max())
    log(f"faults: store build {t_build:.1f} s ({grid.size} depths), served {t_store:.2f} s")
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            n_samples,
            t_store,
            notes=f"the same from a store ({grid.size} depths, 0.5 km; built in {t_build:.1f} s"
            f"); max |store - direct| / max|u| {dev:.1e}; cpu {c_store:.2f} s",
            path="store",
            build_seconds=t_build,
            cpu_seconds=c_store,
        )
    )

    # (4) the per-sample integral on a subset of stations and times, extrapolated.
    sub_st = Stations(stations.east[: args.subset], stations.north[: args.subset])
    sub_t = times[np.linspace(1, times.size - 1, args.subset_times).round().astype(int)]
    t0 = time.perf_counter()
    ref = exact_sources._field(
        model, fault, sub_st, sub_t, velocity=False, tables=_PerSample(model, sub_t, opts), **opts
    )
    t_ps = time.perf_counter() - t0
    tab = exact.displacement(model, fault, sub_st, sub_t, threads=threads)
    diff = float(np.abs(tab - ref).max() / np.abs(ref).max())
    scale = (len(stations) * times.size) / (len(sub_st) * sub_t.size)
    log(f"faults: per-sample subset {t_ps:.2f} s, extrapolated {t_ps * scale:.0f} s")
    rows.append(
        make_row(
            "exact",
            "cpu",
            threads,
            len(sub_st) * sub_t.size,
            t_ps,
            full_points=n_samples,
            mean_abs_residual=float(np.mean(np.abs(tab - ref))),
            notes=f"per-sample wavenumber integral on {len(sub_st)} stations x {sub_t.size} "
            f"times, extrapolated to the full case; tables' max deviation {diff:.1e} of max|u|",
            path="per-sample",
        )
    )
    return rows
