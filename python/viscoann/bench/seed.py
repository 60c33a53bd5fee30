"""``viscoann bench seed``: the seed paper's timing table (DeVries et al. 2017, GRL) reproduced
on this machine, side by side: exact solver, fused engines on CPU and GPU, PyTorch and ONNX
Runtime on the same net, and the paper's own numbers, on the seed's test grid.

The grid is the seed's test grid (10,000 points x 13 depths x 25 viscosity structures x 81
times = 263,250,000 predictions) with the point axis scaled by ``--scale``; rows that time a
subset say so and extrapolate linearly to the full grid (``extrapolated_full_seconds``).
"""

from __future__ import annotations

import math

import numpy as np

from .baselines import batched, onnx_session, torch_mlp
from .rows import log, make_row, median_seconds
from .workloads import seed_test_grid

#: The seed paper's timings on its test set (s): viscoelastic code, ANN on one CPU, on a GPU.
SEED_SECONDS = {"exact": 419_790.0, "cpu": 6_366.0, "cuda": 763.0}
FULL_SAMPLES = 263_250_000


def add_arguments(p) -> None:
    p.add_argument(
        "--scale",
        type=float,
        default=0.01,
        help="fraction of the seed's 10,000 test points (1 = the full test set)",
    )
    p.add_argument("--model", default=None, help="model file (default: the shipped model)")
    p.add_argument(
        "--exact-pairs",
        type=int,
        default=2,
        help="(depth, viscosity) pairs timed with the exact solver (extrapolated)",
    )
    p.add_argument(
        "--device",
        choices=["cpu", "cuda", "all"],
        default="all",
        help="engines to run (cuda rows need a GPU)",
    )
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--no-baselines", action="store_true", help="skip PyTorch / ONNX Runtime")
    p.add_argument("--plot", default=None, metavar="PNG", help="bar chart + accuracy panels")


def scaled_test_grid(scale: float):
    """The seed's test grid with about ``scale`` x 10,000 points: x, y, depths, times, etas."""
    if not 0 < scale <= 1:
        raise ValueError(f"scale = {scale} must be in (0, 1]")
    side = max(2, int(round(100 * math.sqrt(scale))))
    return seed_test_grid(side * side)


def _accuracy(u_net, u_exact, u0_exact):
    """Mean |residual|, and relative to the mean postseismic |u(t) - u(0)| and total |u|."""
    res = np.abs(u_net - u_exact)
    post = np.abs(u_exact - u0_exact).mean()
    return {
        "mean_abs_residual": float(res.mean()),
        "relative_to_postseismic": float(res.mean() / post) if post > 0 else None,
        "relative_to_total": float(res.mean() / np.abs(u_exact).mean()),
        "residual_p99": float(np.quantile(res, 0.99)),
    }


def run(args) -> list[dict]:
    import os
    import time

    from .. import _core, exact
    from ..surrogate import Surrogate

    x, y, depths, times, etas = scaled_test_grid(args.scale)
    net = Surrogate.load(args.model) if args.model else Surrogate.pretrained()
    hidden = net.widths[1:-1]
    name = f"{len(hidden)}x{hidden[0]}" if len(set(hidden)) == 1 else "x".join(map(str, hidden))
    E, D, T, P = len(etas), len(depths), len(times), len(x)
    n = E * D * T * P
    cores = os.cpu_count() or 1
    log(
        f"seed test grid: {P:,} points x {D} depths x {E} viscosities x {T} times = {n:,} "
        f"(full set {FULL_SAMPLES:,}); model {net!r}"
    )
    rows = [
        make_row(
            "seed-paper",
            "cpu",
            1,
            FULL_SAMPLES,
            SEED_SECONDS["exact"],
            notes="viscoelastic code, DeVries et al. 2017 (their machine)",
        ),
        make_row(
            "seed-paper",
            "cpu",
            1,
            FULL_SAMPLES,
            SEED_SECONDS["cpu"],
            net="seed",
            notes="ANN on one CPU, DeVries et al. 2017 (their machine)",
        ),
        make_row(
            "seed-paper",
            "cuda",
            1,
            FULL_SAMPLES,
            SEED_SECONDS["cuda"],
            net="seed",
            notes="ANN on a GPU, DeVries et al. 2017 (their machine)",
        ),
    ]
    for r in rows:
        r["extrapolated_full_seconds"] = r["seconds_median"]

    # ---- exact solver on a spread of (depth, viscosity) pairs, extrapolated ----------------
    k = max(1, min(args.exact_pairs, D * E))
    picks = sorted(
        {(round(i * (D - 1) / max(k - 1, 1)), round(i * (E - 1) / max(k - 1, 1))) for i in range(k)}
    )
    # Timed on the full 10,000 points: its cost per pair is mostly kernels and transforms, so
    # extrapolating over points would overstate it; extrapolated over the pairs instead.
    xf, yf = seed_test_grid()[:2]
    sec_exact = 0.0
    for d, e in picks:
        t0 = time.perf_counter()
        exact.grid(xf, yf, depths[d : d + 1], times, etas[e : e + 1])
        sec_exact += time.perf_counter() - t0
    rows.append(
        make_row(
            "exact",
            "cpu",
            cores,
            len(picks) * T * len(xf),
            sec_exact,
            full_points=FULL_SAMPLES,
            notes=f"va.exact.grid on {len(picks)} of {D * E} (depth, viscosity) pairs x "
            f"{len(xf):,} points x {T} times, extrapolated over the pairs",
        )
    )
    log(
        f"exact: {sec_exact:.2f} s for {len(picks)} pairs -> "
        f"{rows[-1]['extrapolated_full_seconds']:.0f} s for the full set"
    )
    # The surrogates are judged on the scaled grid's points at those pairs.
    exact_u = {
        (d, e): exact.grid(x, y, depths[d : d + 1], times, etas[e : e + 1])[0, 0] for d, e in picks
    }

    def accuracy_of(u_grid):  # u_grid (E, D, T, P, 3): residuals on the exact pairs
        un = np.concatenate([u_grid[e, d] for d, e in picks]).astype(np.float64)
        ue = np.concatenate([exact_u[p] for p in picks])
        u0 = np.concatenate(
            [
                np.broadcast_to(
                    exact.grid(x, y, depths[d : d + 1], [0.0], etas[e : e + 1])[0, 0],
                    exact_u[(d, e)].shape,
                )
                for d, e in picks
            ]
        )
        return _accuracy(un, ue, u0)

    # ---- fused engines on the whole scaled grid --------------------------------------------
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    if "cuda" in devices and not _core.cuda_available():
        log("cuda: no GPU present, CUDA rows skipped")
        devices.remove("cuda")
    configs = [
        (dev, thr, prec)
        for dev in devices
        for thr, prec in (
            [(1, "fp32"), (cores, "fp32")] if dev == "cpu" else [(1, "fp32"), (1, "tensor_fp16")]
        )
    ]
    for device, threads, precision in configs:

        def run(device=device, threads=threads, precision=precision):
            return net.predict_grid(
                x,
                y,
                depths,
                times,
                etas,
                device=device,
                threads=threads,
                dtype=np.float32,
                precision=precision,
                check_domain=False,
            )

        u = run()  # warm-up, and the predictions judged below
        sec = median_seconds(run, args.repeats, warmup=0)
        acc = accuracy_of(u)
        what = f"CPU {_core.cpu_isa_selected()}" if device == "cpu" else f"CUDA {precision}"
        rows.append(
            make_row(
                "viscoann",
                device,
                threads,
                n,
                sec,
                net=name,
                full_points=FULL_SAMPLES,
                mean_abs_residual=acc.pop("mean_abs_residual"),
                notes=f"fused {what}, grid points generated in the engine, float32 out",
                **acc,
            )
        )
        log(
            f"viscoann {device} {threads} thr {precision}: {sec:.3f} s = {n / sec / 1e6:.1f} M/s; "
            f"residual / postseismic = {acc['relative_to_postseismic']:.3g}"
        )

    rows += _kernel_rows(x, y, depths, times, etas, accuracy_of, cores, args)

    # ---- baselines on the same net and points ---------------------------------------------
    if not args.no_baselines and net.path is not None:
        if n > 30_000_000:
            log("baselines skipped: their (n, 6) inputs would not fit this machine's memory")
        else:
            rows += _baseline_rows(net.path, _expand(x, y, depths, times, etas), cores, args, name)
    _add_ratios(rows)
    if args.plot:
        from ..plot import seed_table_figure

        seed_table_figure(rows, args.plot)
    return rows


def _kernel_rows(x, y, depths, times, etas, accuracy_of, threads, args) -> list[dict]:
    """The shipped neural kernel on the same grid: the seed's source (strike 90, dip 90, rake 0,
    unit potency: xy = -1/2) in the family member H = 15 km, one engine call per depth for all
    viscosity structures and times (docs/design.md §12)."""
    from ..kernel import NeuralKernel

    try:
        nk = NeuralKernel.pretrained()
    except ValueError:
        log("no shipped neural kernel: its row is skipped")
        return []
    eng = nk._engine
    eta_M, eta_K = (np.ascontiguousarray(etas[:, i], dtype=float) for i in (0, 1))
    H = np.full(len(etas), 15e3)
    tensor = np.array([[0.0, 0.0, 0.0, -0.5, 0.0, 0.0]])
    tm = np.ascontiguousarray(times, dtype=float)

    def run():
        out = np.empty((len(etas), len(depths), len(times), len(x), 3))
        for i, d in enumerate(depths):
            out[:, i] = eng.displacement(
                float(d), eta_M, eta_K, H, tm, tensor, x[None], y[None], threads=threads
            )[:, 0]
        return out

    u = run()
    sec = median_seconds(run, args.repeats, warmup=0)
    acc = accuracy_of(u)
    n = u.size // 3
    widths = "-".join(str(w) for w in nk.metadata["widths"])
    log(
        f"viscoann-kernel cpu {threads} thr: {sec:.3f} s = {n / sec / 1e6:.1f} M/s; "
        f"residual / postseismic = {acc['relative_to_postseismic']:.3g}"
    )
    return [
        make_row(
            "viscoann-kernel",
            "cpu",
            threads,
            n,
            sec,
            net=widths,
            full_points=FULL_SAMPLES,
            mean_abs_residual=acc.pop("mean_abs_residual"),
            notes="neural kernel (H = 15 km), one call per depth, float64 out",
            **acc,
        )
    ]


def _expand(x, y, depths, times, etas):
    """The grid's points as rows (x, y, depth, t, eta_M, eta_K) in (E, D, T, P) order."""
    E, D, T, P = len(etas), len(depths), len(times), len(x)
    X = np.empty((E, D, T, P, 6))
    X[..., 0], X[..., 1] = x, y
    X[..., 2] = depths[None, :, None, None]
    X[..., 3] = times[None, None, :, None]
    X[..., 4] = etas[:, 0, None, None, None]
    X[..., 5] = etas[:, 1, None, None, None]
    return X.reshape(-1, 6)


def baseline_inputs(path, X):
    """The baselines' net and inputs: weights, biases, activations of the model file and its
    features at X as float32 (the engine forms them fused: :func:`viscoann.reference.features`)."""
    from .. import export, reference

    model = export.read(path)
    Z = reference.features(model, X).astype(np.float32)
    return model["weights"], model["biases"], model["activations"], Z


def _baseline_rows(path, X, threads, args, name) -> list[dict]:
    rows = []
    batch = 65536
    W, B, acts, Z = baseline_inputs(path, X)

    def row(impl, sec, notes):
        return make_row(
            impl, "cpu", threads, len(Z), sec, net=name, full_points=FULL_SAMPLES, notes=notes
        )

    try:
        import torch

        model = torch_mlp(W, B, acts, threads)
        Zt = torch.from_numpy(Z)
        with torch.inference_mode():
            sec = median_seconds(batched(model, Zt, batch), args.repeats)
        rows.append(
            row(
                "torch",
                sec,
                f"eager, inference_mode, batch {batch}, net only on pre-transformed float32 inputs",
            )
        )
    except ImportError:
        log("torch not installed: torch row skipped")
    try:
        sess = onnx_session(W, B, acts, threads)
        sec = median_seconds(batched(lambda z: sess.run(None, {"z": z}), Z, batch), args.repeats)
        rows.append(row("onnxruntime", sec, f"batch {batch}, net only on pre-transformed inputs"))
    except ImportError:
        log("onnxruntime not installed: onnxruntime row skipped")
    return rows


def _add_ratios(rows) -> None:
    """speedup_vs_exact (our exact row) and speedup_vs_seed (the paper's row of that kind)."""
    exact = next(r for r in rows if r["impl"] == "exact")["extrapolated_full_seconds"]
    for r in rows:
        full = r["extrapolated_full_seconds"]
        if full is None or r["impl"] == "seed-paper":
            continue
        r["speedup_vs_exact"] = exact / full
        seed = SEED_SECONDS["exact" if r["impl"] == "exact" else r["device"]]
        r["speedup_vs_seed"] = seed / full
        r["notes"] += f"; {exact / full:,.3g}x our exact, {seed / full:,.3g}x the seed's"
