"""Benchmarks behind ``viscoann bench`` and ``bench/*.py``: medians of repeated runs, baselines
measured in the same process on the same inputs, rows in the JSON format of DESIGN §7.

Each topic is a function ``run_<topic>(args) -> list[dict]`` registered in ``TOPICS`` with
its argparse options; the CLI prints a table (or one JSON document with ``--json``).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

ROW_KEYS = (
    "impl",
    "device",
    "threads",
    "net",
    "n_points",
    "seconds_median",
    "points_per_s",
    "extrapolated_full_seconds",
    "mean_abs_residual",
    "notes",
)


def log(msg: str) -> None:
    """Progress and logs go to stderr, so ``--json`` stdout stays one JSON document."""
    print(msg, file=sys.stderr, flush=True)


def machine_info() -> dict:
    """CPU model, core count, SIMD flags and GPU of this machine."""
    from . import _core

    cpu, flags = platform.processor() or platform.machine(), []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and cpu in ("", platform.machine()):
                    cpu = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    flags = [
                        x
                        for x in ("avx2", "fma", "avx512f", "avx512_fp16", "amx_bf16")
                        if x in have
                    ]
                    break
    except OSError:
        pass
    gpu = _core.cuda_device_name() if _core.cuda_available() else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 1,
        "simd": flags,
        "gpu": gpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make_row(
    impl: str,
    device: str,
    threads: int,
    n_points: int,
    seconds: float,
    *,
    net: str | None = None,
    full_points: int | None = None,
    mean_abs_residual: float | None = None,
    notes: str = "",
    **extra,
) -> dict:
    """One result row; ``full_points`` extrapolates linearly to a full problem size."""
    row = {
        "impl": impl,
        "device": device,
        "threads": int(threads),
        "net": net,
        "n_points": int(n_points),
        "seconds_median": float(seconds),
        "points_per_s": float(n_points / seconds) if seconds > 0 else float("inf"),
        "extrapolated_full_seconds": (
            float(seconds * full_points / n_points) if full_points else None
        ),
        "mean_abs_residual": None if mean_abs_residual is None else float(mean_abs_residual),
        "notes": notes,
    }
    row.update(extra)
    return row


def format_table(rows: list[dict]) -> str:
    """Human-readable table of rows (the default output of ``viscoann bench``)."""
    head = (
        f"{'impl':<14}{'device':<7}{'thr':>4} {'net':<8}{'points':>12}{'median s':>12}"
        f"{'points/s':>12}{'full s':>11}  notes"
    )
    lines = [head, "-" * len(head)]

    def num(v, spec):
        return "-" if v is None else format(v, spec)

    for r in rows:
        lines.append(
            f"{r['impl']:<14}{r['device']:<7}{r['threads']:>4} {r['net'] or '-':<8}"
            f"{num(r['n_points'], ','):>12}{num(r['seconds_median'], '.4g'):>12}"
            f"{num(r['points_per_s'], '.4g'):>12}{num(r['extrapolated_full_seconds'], '.4g'):>11}"
            f"  {r['notes']}"
        )
    return "\n".join(lines)


def emit(rows: list[dict], as_json: bool) -> None:
    if as_json:
        json.dump({"machine": machine_info(), "rows": rows}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_table(rows))


# topic name -> (add_arguments(parser), run(args) -> rows); topics register themselves below.
TOPICS: dict[str, tuple[Callable, Callable]] = {}


# ---- exact: the layered viscoelastic solver on the seed paper's test grid ------------------
SEED_TEST = {"points": 10_000, "depths": 13, "etas": 25, "times": 81}
SEED_EXACT_SECONDS = 419_790.0  # DeVries et al. 2017, viscoelastic code, full test set


def seed_test_grid(n_points: int = 10_000, n_times: int = 81):
    """The seed's test grid (DESIGN §3; :func:`viscoann.data.test_grid`, at values away from
    the training grid) with about ``n_points`` points: returns x, y, depths, times, etas (SI)."""
    from .data import test_grid

    side = max(2, int(round(np.sqrt(n_points))))
    g = test_grid(sizes=(side, SEED_TEST["depths"], n_times, 5, 5))
    return g.x, g.y, g.depths, g.times, g.etas


def _exact_arguments(p) -> None:
    p.add_argument("--depths", type=int, default=2, help="depths timed (of 13)")
    p.add_argument("--etas", type=int, default=2, help="viscosity structures timed (of 25)")
    p.add_argument("--points", type=int, default=10_000, help="surface points (square grid)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")


def run_exact(args) -> list[dict]:
    """Time ``exact.grid`` on a (depth, viscosity) subset of the seed's test grid and
    extrapolate per pair to all 13 x 25 pairs; accuracy = default vs doubled resolution."""
    import numpy as np

    from . import exact

    x, y, depths, times, etas = seed_test_grid(args.points)
    d_sel = depths[np.linspace(0, len(depths) - 1, args.depths).round().astype(int)]
    e_sel = etas[np.linspace(0, len(etas) - 1, args.etas).round().astype(int)]
    threads = args.threads or (os.cpu_count() or 1)
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


TOPICS["exact"] = (_exact_arguments, run_exact)


# ---- okada: point-source evaluations per second vs Okada's Fortran (okada_wrapper) --------


def _add_okada_arguments(p) -> None:
    p.add_argument("--n", type=int, default=2_000_000, help="points per viscoann call")
    p.add_argument(
        "--n-baseline",
        type=int,
        default=20_000,
        help="points for okada_wrapper (one Fortran call per point)",
    )
    p.add_argument("--repeats", type=int, default=5)


def run_okada(args) -> list[dict]:
    """Surface displacement of one point source at n random points within 100 km.

    Rows: the canonical source (dip 90, strike-slip) on all cores and on 1 core; a general
    mechanism (dip 60, all four potencies) on all cores and with gradients; okada_wrapper
    (Okada's Fortran DC3D0, one point per call) on the first ``n_baseline`` points, against
    which ``mean_abs_residual`` (m per m^3) and the speed-up in ``notes`` are measured.
    """
    import numpy as np

    from . import okada

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


TOPICS["okada"] = (_add_okada_arguments, run_okada)


# ---- topic "engine": the fused CPU engine vs PyTorch and ONNX Runtime on the same nets -----
def _add_engine_args(p) -> None:
    p.add_argument("--points", type=int, default=500_000, help="points per timed run")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    p.add_argument("--widths", default="20,10,40", help="hidden widths (6 hidden layers each)")
    p.add_argument("--depth", type=int, default=6, help="hidden layers")
    p.add_argument(
        "--batches",
        default="4096,65536,1048576",
        help="batch sizes tried for PyTorch / ONNX Runtime (best reported)",
    )
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument(
        "--torch-compile", action="store_true", help="also try torch.compile (slow to compile)"
    )
    p.add_argument("--no-baselines", action="store_true", help="engine rows only")
    p.add_argument(
        "--device",
        choices=["cpu", "cuda"],
        default="cpu",
        help="cuda: the CUDA engine vs PyTorch on the same GPU",
    )
    p.add_argument(
        "--geometry",
        choices=["cartesian", "radial"],
        default="cartesian",
        help="radial: the nets learn radial functions (5 features, the engine "
        "forms r and applies the azimuthal factors; export.py)",
    )


def _timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall and median process-CPU seconds of ``fn()`` (one untimed warm-up). On a
    shared machine the CPU time shows the cost free of time-slicing by other processes."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _engine_net(width: int, depth: int, seed: int = 0):
    """Random seed-style net: 6 inputs, `depth` hidden layers alternating tanh/ReLU, 3 outputs."""
    rng = np.random.default_rng(seed)
    ws = [6] + [width] * depth + [3]
    W = [rng.normal(size=(ws[i + 1], ws[i])) / np.sqrt(ws[i]) for i in range(len(ws) - 1)]
    B = [0.1 * rng.normal(size=ws[i + 1]) for i in range(len(ws) - 1)]
    acts = ["tanh" if li % 2 == 0 else "relu" for li in range(depth)] + ["identity"]
    return W, B, acts


def _flops_per_point(W) -> float:
    return float(sum(2 * w.shape[0] * w.shape[1] for w in W))


def _torch_modules(W, B, acts, threads):
    import torch

    torch.set_num_threads(threads)
    mods = []
    for w, b, a in zip(W, B, acts, strict=True):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.astype(np.float32)))
            lin.bias.copy_(torch.from_numpy(b.astype(np.float32)))
        mods.append(lin)
        if a != "identity":
            mods.append(torch.nn.Tanh() if a == "tanh" else torch.nn.ReLU())
    return torch.nn.Sequential(*mods).eval()


def _onnx_session(W, B, acts, threads):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, prev = [], [], "z"
    for li, (w, b, a) in enumerate(zip(W, B, acts, strict=True)):
        inits += [
            numpy_helper.from_array(w.T.astype(np.float32), f"W{li}"),
            numpy_helper.from_array(b.astype(np.float32), f"B{li}"),
        ]
        nodes += [
            helper.make_node("MatMul", [prev, f"W{li}"], [f"m{li}"]),
            helper.make_node("Add", [f"m{li}", f"B{li}"], [f"a{li}"]),
        ]
        prev = f"a{li}"
        if a != "identity":
            nodes.append(helper.make_node("Tanh" if a == "tanh" else "Relu", [prev], [f"h{li}"]))
            prev = f"h{li}"
    nodes.append(helper.make_node("Identity", [prev], ["u"]))
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, W[0].shape[1]])],
        [helper.make_tensor_value_info("u", TensorProto.FLOAT, [None, W[-1].shape[0]])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    onnx.checker.check_model(model)
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def _batched(fn, Z, batch):
    def run():
        for s in range(0, len(Z), batch):
            fn(Z[s : s + batch])

    return run


def canonical_inputs(n: int, seed: int = 1):
    """n random points of the canonical domain (viscosities uniform in log10): the SI rows X
    the engines take, and the float32 transformed rows Z the baselines take (the engines
    apply the same transform fused)."""
    from . import export

    rng = np.random.default_rng(seed)
    spec = export.input_spec(export.CANONICAL_INPUTS)
    lo = np.array([e["domain"][0] for e in spec])
    hi = np.array([e["domain"][1] for e in spec])
    X = lo + (hi - lo) * rng.random((n, 6))
    X[:, 4:] = 10 ** (np.log10(lo[4:]) + np.log10(hi[4:] / lo[4:]) * rng.random((n, 2)))
    Z = X.copy()
    Z[:, 4:] = np.log10(Z[:, 4:])
    Z = (Z * [e["scale"] for e in spec] + [e["offset"] for e in spec]).astype(np.float32)
    return X, Z


def run_engine(args) -> list[dict]:
    import tempfile

    if args.device == "cuda":
        if getattr(args, "geometry", "cartesian") != "cartesian":
            raise ValueError(
                "bench engine --device cuda times cartesian nets only; "
                "--geometry radial is measured on the CPU (or by bench seed)"
            )
        from .bench_gpu import run_engine_cuda

        return run_engine_cuda(args)

    from . import _core, export
    from .surrogate import Surrogate

    threads_list = [int(t) for t in args.threads.split(",")]
    widths = [int(w) for w in args.widths.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    n = args.points
    rows: list[dict] = []
    peak = {t: _core.fma_peak_gflops(t) for t in threads_list}
    log("FP32 FMA peak: " + ", ".join(f"{t} thr {g:.0f} GFLOP/s" for t, g in peak.items()))
    X, Z = canonical_inputs(n)
    radial = getattr(args, "geometry", "cartesian") == "radial"
    geometry = {
        "kind": "radial_strike_slip",
        "r_scale": 2 / np.hypot(100e3, 100e3),
        "r_offset": -1.0,
    }
    if radial:  # the baselines' features: r in place of x, y
        r = geometry["r_scale"] * np.hypot(X[:, 0], X[:, 1]) + geometry["r_offset"]
        Z = np.column_stack([r.astype(np.float32), Z[:, 2:]])

    with tempfile.TemporaryDirectory() as tmp:
        for width in widths:
            W, B, acts = _engine_net(width, args.depth)
            if radial:
                W[0] = W[0][:, 1:]
            name = f"{args.depth}x{width}"
            path = export.save(
                f"{tmp}/{name}.safetensors",
                W,
                B,
                acts,
                inputs=export.CANONICAL_INPUTS,
                outputs=export.CANONICAL_OUTPUTS,
                geometry=geometry if radial else None,
            )
            net = Surrogate.load(path)
            flops = _flops_per_point(W)
            out = np.empty((n, 3))  # reused, as the baselines reuse their allocators' memory
            for t in threads_list:

                def engine(t=t, net=net, out=out):
                    net._core.predict_into(X, out, "cpu", t, "auto")

                sec, cpu = _timed(engine, args.repeats)
                gf = flops * n / sec * 1e-9
                erow = make_row(
                    "viscoann",
                    "cpu",
                    t,
                    n,
                    sec,
                    net=name,
                    notes=f"fused {_core.cpu_isa_selected()}, float64 in/out, "
                    + ("radial geometry, " if radial else "")
                    + f"{gf:.0f} GFLOP/s = {gf / peak[t]:.0%} of FP32 FMA peak",
                    gflops=gf,
                    fraction_of_peak=gf / peak[t],
                    peak_gflops=peak[t],
                    cpu_seconds_median=cpu,
                    points_per_cpu_s=n / cpu,
                )
                rows.append(erow)
                log(
                    f"{name} viscoann {t} thr: {n / sec / 1e6:.1f} M points/s "
                    f"({gf / peak[t]:.0%} of peak)"
                )
                if args.no_baselines:
                    continue
                rows += _torch_rows(W, B, acts, Z, t, batches, args, name, erow)
                rows += _onnx_rows(W, B, acts, Z, t, batches, args, name, erow)
            # accuracy of the engine against float64 on the same net (1e5 points)
            m = min(n, 100_000)
            if radial:
                h = export.reference_predict(path, X[:m])
            else:
                h = Z[:m].astype(np.float64)
                for w, b, a in zip(W, B, acts, strict=True):
                    h = h @ w.astype(np.float32).astype(np.float64).T + b.astype(np.float32)
                    h = np.tanh(h) if a == "tanh" else np.maximum(h, 0) if a == "relu" else h
            y = net.predict(X[:m], check_domain=False)
            err = float(np.abs(y - h).max() / np.abs(h).max())
            for r in rows:
                if r["net"] == name and r["impl"] == "viscoann":
                    r["max_rel_error_vs_float64"] = err
    return rows


def _torch_rows(W, B, acts, Z, t, batches, args, name, erow) -> list[dict]:
    import torch

    model = _torch_modules(W, B, acts, t)
    Zt = torch.from_numpy(Z)
    modes = {"eager": model}
    with torch.inference_mode():
        try:
            traced = torch.jit.freeze(torch.jit.trace(model, Zt[:4096]))
            modes["jit.trace+freeze"] = traced
        except Exception as e:  # pragma: no cover - depends on the torch build
            log(f"torch.jit.trace failed: {e}")
        if args.torch_compile:
            try:
                comp = torch.compile(model)
                comp(Zt[:4096])
                modes["torch.compile"] = comp
            except Exception as e:  # pragma: no cover
                log(f"torch.compile failed: {e}")
        best = None
        for mode, fn in modes.items():
            for batch in batches:
                sec, cpu = _timed(_batched(fn, Zt, batch), args.repeats)
                if best is None or sec < best[0]:
                    best = (sec, mode, batch, cpu)
    sec, mode, batch, cpu = best
    n = len(Z)
    log(f"{name} torch {t} thr: {n / sec / 1e6:.1f} M points/s ({mode}, batch {batch})")
    return [
        make_row(
            "torch",
            "cpu",
            t,
            n,
            sec,
            net=name,
            notes=f"best: {mode}, batch {batch}, inference_mode, float32 pre-transformed "
            f"inputs; viscoann is {sec / erow['seconds_median']:.1f}x faster",
            speedup_viscoann=sec / erow["seconds_median"],
            cpu_seconds_median=cpu,
            points_per_cpu_s=n / cpu,
            speedup_viscoann_cpu_time=cpu / erow["cpu_seconds_median"],
        )
    ]


def _onnx_rows(W, B, acts, Z, t, batches, args, name, erow) -> list[dict]:
    try:
        sess = _onnx_session(W, B, acts, t)
    except Exception as e:  # pragma: no cover - optional dependency
        log(f"onnxruntime unavailable: {e}")
        return []
    best = None
    for batch in batches:
        sec, cpu = _timed(_batched(lambda z: sess.run(None, {"z": z}), Z, batch), args.repeats)
        if best is None or sec < best[0]:
            best = (sec, batch, cpu)
    sec, batch, cpu = best
    n = len(Z)
    log(f"{name} onnxruntime {t} thr: {n / sec / 1e6:.1f} M points/s (batch {batch})")
    return [
        make_row(
            "onnxruntime",
            "cpu",
            t,
            n,
            sec,
            net=name,
            notes=f"best batch {batch}, ORT_ENABLE_ALL, float32 pre-transformed inputs; "
            f"viscoann is {sec / erow['seconds_median']:.1f}x faster",
            speedup_viscoann=sec / erow["seconds_median"],
            cpu_seconds_median=cpu,
            points_per_cpu_s=n / cpu,
            speedup_viscoann_cpu_time=cpu / erow["cpu_seconds_median"],
        )
    ]


TOPICS["engine"] = (_add_engine_args, run_engine)


from . import bench_seed  # noqa: E402, F401  (registers the "seed" topic)
