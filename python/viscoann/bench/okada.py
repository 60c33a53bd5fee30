"""``viscoann bench okada``: point-source evaluations per second of ``va.okada`` against
Okada's Fortran (okada_wrapper, one point per call) on the same points."""

from __future__ import annotations

import os

import numpy as np

from .rows import log, make_row, median_seconds


def add_arguments(p) -> None:
    p.add_argument("--n", type=int, default=2_000_000, help="points per viscoann call")
    p.add_argument(
        "--n-baseline",
        type=int,
        default=20_000,
        help="points for okada_wrapper (one Fortran call per point)",
    )
    p.add_argument("--repeats", type=int, default=5)


def run(args) -> list[dict]:
    """Surface displacement of one point source at n random points within 100 km.

    Rows: the canonical source (dip 90, strike-slip) on all cores and on 1 core; a general
    mechanism (dip 60, all four potencies) on all cores and with gradients; okada_wrapper
    (Okada's Fortran DC3D0, one point per call) on the first ``n_baseline`` points, against
    which ``mean_abs_residual`` (m per m^3) and the speed-up in ``notes`` are measured.
    """
    from .. import okada

    cores = os.cpu_count() or 1
    rng = np.random.default_rng(0)
    n = args.n
    x, y = rng.uniform(-1e5, 1e5, n), rng.uniform(-1e5, 1e5, n)
    depth, canonical, general = 7.9e3, [1.0, 0.0, 0.0, 0.0], [1.0, 0.4, -0.3, 0.2]
    cases = [
        ("canonical source (dip 90, strike-slip), z = 0", 90.0, canonical, False, cores),
        ("canonical source (dip 90, strike-slip), z = 0", 90.0, canonical, False, 1),
        ("general mechanism (dip 60, 4 potencies), z = 0", 60.0, general, False, cores),
        ("general mechanism, with the 9 gradients", 60.0, general, True, cores),
    ]
    rows, seconds_of = [], {}
    for label, dip, pot, grad, threads in cases:
        log(f"okada: viscoann {label}, {threads} thread(s), {n:,} points")

        def call(dip=dip, pot=pot, grad=grad, threads=threads):
            return okada.point(x, y, 0.0, depth, dip, pot, gradients=grad, threads=threads)

        sec = median_seconds(call, repeats=args.repeats)
        seconds_of[(dip, grad, threads)] = sec
        rows.append(make_row("viscoann", "cpu", threads, n, sec, notes=label))

    nb = min(args.n_baseline, n)
    try:
        from okada_wrapper import dc3d0wrapper
    except ImportError:
        note = "okada_wrapper not installed (pip install okada_wrapper; needs gfortran)"
        row = make_row("okada_wrapper", "cpu", 1, 0, 0.0, notes=note)
        row["seconds_median"] = row["points_per_s"] = None
        rows.append(row)
        return rows

    alpha = 2.0 / 3.0
    xb, yb = x[:nb].tolist(), y[:nb].tolist()

    def baseline():
        out = np.empty((nb, 3))
        for i in range(nb):
            _, u, _ = dc3d0wrapper(alpha, [xb[i], yb[i], 0.0], depth, 90.0, canonical)
            out[i] = u
        return out

    log(f"okada: okada_wrapper, one point per call, {nb:,} points")
    sec = median_seconds(baseline, repeats=max(1, args.repeats // 2))
    ref = baseline()
    mine = okada.point(x[:nb], y[:nb], 0.0, depth, 90.0, canonical)
    resid = float(np.mean(np.abs(mine - ref)))
    rate_base = nb / sec
    rows.append(
        make_row(
            "okada_wrapper",
            "cpu",
            1,
            nb,
            sec,
            mean_abs_residual=resid,
            notes="Okada's Fortran DC3D0 (REAL*4 interface), one point per call; canonical source",
        )
    )
    for r in rows[:-1]:
        r["notes"] += f"; {r['points_per_s'] / rate_base:.0f}x okada_wrapper"
        if r["notes"].startswith("canonical"):
            r["mean_abs_residual"] = resid
    return rows
