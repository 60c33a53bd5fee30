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
    "impl", "device", "threads", "net", "n_points", "seconds_median", "points_per_s",
    "extrapolated_full_seconds", "mean_abs_residual", "notes",
)  # fmt: skip


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
                    flags = [x for x in ("avx2", "fma", "avx512f", "avx512_fp16", "amx_bf16")
                             if x in have]  # fmt: skip
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


def make_row(impl: str, device: str, threads: int, n_points: int, seconds: float, *,
             net: str | None = None, full_points: int | None = None,
             mean_abs_residual: float | None = None, notes: str = "", **extra) -> dict:  # fmt: skip
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
    head = f"{'impl':<14}{'device':<7}{'thr':>4} {'net':<8}{'points':>12}{'median s':>12}" \
           f"{'points/s':>12}{'full s':>11}  notes"  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in rows:
        full = r["extrapolated_full_seconds"]
        lines.append(
            f"{r['impl']:<14}{r['device']:<7}{r['threads']:>4} {r['net'] or '-':<8}"
            f"{r['n_points']:>12,}{r['seconds_median']:>12.4g}{r['points_per_s']:>12.4g}"
            f"{(f'{full:.4g}' if full is not None else '-'):>11}  {r['notes']}"
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
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [None, 6])],
        [helper.make_tensor_value_info("u", TensorProto.FLOAT, [None, 3])],
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


def run_engine(args) -> list[dict]:
    import tempfile

    from . import _core, export
    from .surrogate import Surrogate

    threads_list = [int(t) for t in args.threads.split(",")]
    widths = [int(w) for w in args.widths.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    n = args.points
    rows: list[dict] = []
    peak = {t: _core.fma_peak_gflops(t) for t in threads_list}
    log("FP32 FMA peak: " + ", ".join(f"{t} thr {g:.0f} GFLOP/s" for t, g in peak.items()))
    rng = np.random.default_rng(1)
    spec = export.input_spec(export.CANONICAL_INPUTS)
    lo = np.array([e["domain"][0] for e in spec])
    hi = np.array([e["domain"][1] for e in spec])
    X = lo + (hi - lo) * rng.random((n, 6))
    X[:, 4:] = 10 ** (np.log10(lo[4:]) + np.log10(hi[4:] / lo[4:]) * rng.random((n, 2)))
    Z = X.copy()  # the transformed inputs the baselines get (the engine transforms itself)
    Z[:, 4:] = np.log10(Z[:, 4:])
    Z = (Z * [e["scale"] for e in spec] + [e["offset"] for e in spec]).astype(np.float32)

    with tempfile.TemporaryDirectory() as tmp:
        for width in widths:
            W, B, acts = _engine_net(width, args.depth)
            name = f"{args.depth}x{width}"
            path = export.save(
                f"{tmp}/{name}.safetensors",
                W,
                B,
                acts,
                inputs=export.CANONICAL_INPUTS,
                outputs=export.CANONICAL_OUTPUTS,
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
                    f"{gf:.0f} GFLOP/s = {gf / peak[t]:.0%} of FP32 FMA peak",
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
