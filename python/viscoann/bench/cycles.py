"""``viscoann bench cycles``: earthquake cycles with the exact backend, and how the cost grows
with events, patches, stations and output times.

The job: a thrust of P patches (``faults.fault_case``), slip per event and patch (a random
scale per event), E events every 1000/E yr over 1000 yr, S stations, T output times over the
same 1000 yr, displacement on a lag grid of 16 nodes a decade (``cycles`` module docstring).
Rows: (1) the scaled job with the exact backend (median of ``--repeats``), split into the
step responses (the backend's part) and the superposition; (2) each size doubled in turn
(the growth); (3) the superposition alone at the issue's full size (1000 events, 100
patches, 1000 stations, 1000 times; responses given), which is what remains when a fast
kernel supplies the responses;
(4) the full job with the shipped neural kernel (``--no-kernel`` skips it); (5) with
``--full-exact`` the full job with the exact backend and the kernel's speed-up over it (else
the growth exponents of (2) on the scaled job's row: cost ~ size^exponent for each size).
"""

from __future__ import annotations

import time

import numpy as np

from ..conventions import YEAR, threads_count
from .rows import log, make_row

FULL = dict(events=1000, patches=100, stations=1000, times=1000)


def add_arguments(p) -> None:
    p.add_argument("--events", type=int, default=100)
    p.add_argument("--patches", type=int, default=16)
    p.add_argument("--stations", type=int, default=100)
    p.add_argument("--times", type=int, default=100)
    p.add_argument("--no-growth", action="store_true", help="skip the doubled sizes")
    p.add_argument("--repeats", type=int, default=3, help="median of this many runs")
    p.add_argument("--full-exact", action="store_true", help="also the full job, exact (long)")
    p.add_argument("--no-kernel", action="store_true", help="skip the neural kernel's full job")
    p.add_argument("--threads", type=int, default=0, help="0: all cores")


class _Timed:
    """A backend that times the wrapped one's responses (or hands out given ones)."""

    def __init__(self, inner=None):
        self.inner, self.seconds, self.nodes = inner, 0.0, 0

    def describe(self):
        return {"backend": "bench"}

    def lag_nodes(self, velocity):
        return None

    def responses(self, patches, stations, times, velocity, reach=None):
        self.nodes = len(times)
        t0 = time.perf_counter()
        if self.inner is None:  # responses given: a smooth stand-in, same shape
            r = np.random.default_rng(0).normal(size=(len(patches), 1, len(stations), 3))
            out = np.repeat(r, len(times), axis=1)
        else:
            out = self.inner.responses(patches, stations, times, velocity, reach)
        self.seconds += time.perf_counter() - t0
        return out

    def displacement(self, source, stations, times):  # not used: slips are per patch
        raise NotImplementedError

    velocity = displacement


def job(events, patches, stations, times, seed=1):
    """(patches, stations, output times [s], event times [s], slips (E, P))."""
    from .faults import fault_case

    _, fault, st, _ = fault_case(patches, stations, 2, seed=seed)
    e = (np.arange(events) + 0.5) * (1000.0 / events) * YEAR
    t = (np.arange(times) + 0.25) * (1000.0 / times) * YEAR
    rng = np.random.default_rng(seed)
    slips = rng.uniform(0.5, 1.5, (events, 1)) * np.array([p.slip for p in fault])[None]
    return fault, st, t, e, slips


def _run(make_backend, sizes, repeats=1):
    """Median over ``repeats`` of (total s, responses s), the lag nodes and the patch count."""
    from .. import cycles

    fault, st, t, e, slips = job(**sizes)
    runs = []
    for _ in range(repeats):
        backend = make_backend()
        t0, c0 = time.perf_counter(), time.process_time()
        cycles.displacement(backend, fault, st, t, e, slips, lags="grid")
        runs.append((time.perf_counter() - t0, backend.seconds, time.process_time() - c0))
    runs.sort()
    total, resp, cpu = runs[len(runs) // 2]
    _run.cpu = cpu  # process CPU seconds of the median run (free of other jobs' time slices)
    return total, resp, backend.nodes, len(fault)


def run(args) -> list[dict]:
    from ..backends import ExactModel
    from ..earth import EarthModel

    threads = threads_count(args.threads)
    model = EarthModel.canonical(1e19, 1e18)
    base = dict(events=args.events, patches=args.patches, stations=args.stations, times=args.times)
    rows = []

    def exact_row(sizes, label, repeats=args.repeats, earth=model):
        total, resp, nodes, n_patches = _run(
            lambda: _Timed(ExactModel(earth, tol=1e-4, threads=threads)), sizes, repeats
        )
        sizes = {**sizes, "patches": n_patches}  # a square grid of patches
        n = sizes["times"] * sizes["stations"]
        log(
            f"cycles: {label}: {sizes} -> {total:.2f} s (responses {resp:.2f} s at {nodes} "
            "lag nodes)"
        )
        rows.append(
            make_row(
                "exact",
                "cpu",
                threads,
                n,
                total,
                notes=f"{label}: {sizes['events']} events x {sizes['patches']} patches x "
                f"{sizes['stations']} stations x {sizes['times']} times, {nodes} lag nodes; "
                f"responses {resp:.2f} s, superposition {total - resp:.2f} s",
                path=label,
                responses_seconds=resp,
                superposition_seconds=total - resp,
                cpu_seconds_median=_run.cpu,
                lag_nodes=nodes,
                **sizes,
            )
        )
        return total, resp, nodes

    total, resp, nodes = exact_row(base, "scaled")
    if not args.no_growth:
        for key in ("events", "patches", "stations", "times"):
            exact_row({**base, key: 2 * base[key]}, f"{key} x2")

    # (3) the superposition alone at the full size (responses handed in).
    total_full, given, full_nodes, _ = _run(_Timed, FULL)
    sup = total_full - given
    log(f"cycles: full-size superposition {sup:.2f} s ({full_nodes} lag nodes)")
    n_full = FULL["times"] * FULL["stations"]
    rows.append(
        make_row(
            "viscoann",
            "cpu",
            threads,
            n_full,
            sup,
            notes=f"superposition alone at the full size (1000 events x 100 patches x 1000 "
            f"stations x 1000 times, {full_nodes} lag nodes; responses given)",
            path="superposition-full",
            cpu_seconds_median=_run.cpu,
            **FULL,
        )
    )
    # (4) the full job with the shipped neural kernel: eta_M 1e19, eta_K 1e18 Pa s and a 25 km
    # lid (the kernel represents sources in the lid; this fault reaches 19 km).
    rheology = dict(eta_M=1e19, eta_K=1e18, H=25e3)
    if not args.no_kernel:
        from ..backends import as_backend
        from ..kernel import NeuralKernel

        kernel = NeuralKernel.pretrained()
        total_k, resp_k, nodes_k, _ = _run(
            lambda: _Timed(as_backend(kernel, **rheology)), FULL, args.repeats
        )
        cpu_k = _run.cpu
        log(f"cycles: neural kernel at the full size {total_k:.2f} s (responses {resp_k:.2f} s)")
        rows.append(
            make_row(
                "viscoann-kernel",
                "cpu",
                threads,
                n_full,
                total_k,
                notes=f"full job with the shipped neural kernel ({full_nodes} lag nodes): "
                f"responses {resp_k:.2f} s, superposition {total_k - resp_k:.2f} s",
                path="kernel-full",
                responses_seconds=resp_k,
                superposition_seconds=total_k - resp_k,
                cpu_seconds_median=cpu_k,
                lag_nodes=nodes_k,
                **FULL,
            )
        )
    # (5) the full job with the exact backend (minutes; --full-exact), else the growth
    # exponents measured in (2) say how the scaled job's cost extends.
    # With the kernel, on the kernel's family member (its moduli, the 25 km lid) for the ratio.
    if args.full_exact:
        earth = model if args.no_kernel else EarthModel.family(**rheology)
        total_x, resp_x, nodes_x = exact_row(dict(FULL), "full", 1, earth)
        log(f"cycles: exact backend at the full size {total_x:.0f} s; superposition {sup:.2f} s")
        if not args.no_kernel:
            rows[-1]["kernel_speedup"] = total_x / total_k
            log(f"cycles: the neural kernel is {total_x / total_k:.1f}x the exact backend")
    elif not args.no_growth:
        growth = {}
        for r in rows[1:5]:
            key = r["path"].split()[0]
            ratio = r[key] / rows[0][key]
            growth[key] = float(np.log(r["seconds_median"] / total) / np.log(ratio))
        log("cycles: cost ~ " + " ".join(f"{k}^{v:.2f}" for k, v in growth.items()))
        rows[0]["growth_exponents"] = growth
    return rows
