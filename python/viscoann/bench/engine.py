"""``viscoann bench engine``: the fused CPU engine against PyTorch and ONNX Runtime on the same
nets, threads and points (``--device cuda``: the CUDA engine, :mod:`viscoann.bench.gpu`), with
its fraction of the measured FP32 FMA peak and its error against float64."""

from __future__ import annotations

import numpy as np

from ..conventions import R_MAX
from .baselines import batched, onnx_session, torch_mlp
from .gpu import run_cuda
from .rows import log, make_row, timed
from .workloads import canonical_inputs, flops_per_point, random_model


def add_arguments(p) -> None:
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


RADIAL_GEOMETRY = {"kind": "radial_strike_slip", "r_scale": 2 / R_MAX, "r_offset": -1.0}


def run(args) -> list[dict]:
    import tempfile

    if args.device == "cuda":
        if getattr(args, "geometry", "cartesian") != "cartesian":
            raise ValueError(
                "bench engine --device cuda times cartesian nets only; "
                "--geometry radial is measured on the CPU (or by bench seed)"
            )
        return run_cuda(args)

    from .. import _core, reference
    from ..surrogate import Surrogate

    threads_list = [int(t) for t in args.threads.split(",")]
    widths = [int(w) for w in args.widths.split(",")]
    batches = [int(b) for b in args.batches.split(",")]
    n = args.points
    rows: list[dict] = []
    peak = {t: _core.fma_peak_gflops(t) for t in threads_list}
    log("FP32 FMA peak: " + ", ".join(f"{t} thr {g:.0f} GFLOP/s" for t, g in peak.items()))
    radial = getattr(args, "geometry", "cartesian") == "radial"
    geometry = RADIAL_GEOMETRY if radial else None
    X, Z = canonical_inputs(n, geometry=geometry)  # Z: the baselines' features

    with tempfile.TemporaryDirectory() as tmp:
        for width in widths:
            name = f"{args.depth}x{width}"
            path, W, B, acts = random_model(
                f"{tmp}/{name}.safetensors", width, args.depth, geometry
            )
            net = Surrogate.load(path)
            flops = flops_per_point(W)
            out = np.empty((n, 3))  # reused, as the baselines reuse their allocators' memory
            for t in threads_list:

                def engine(t=t, net=net, out=out):
                    net._core.predict_into(X, out, "cpu", t, "auto")

                sec, cpu = timed(engine, args.repeats)
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
            h = reference.predict(path, X[:m])
            y = net.predict(X[:m], check_domain=False)
            err = float(np.abs(y - h).max() / np.abs(h).max())
            for r in rows:
                if r["net"] == name and r["impl"] == "viscoann":
                    r["max_rel_error_vs_float64"] = err
    return rows


def _best(candidates, repeats: int):
    """(seconds, CPU seconds, label) of the fastest of ``candidates`` {label: fn(batch)}."""
    best = None
    for label, fn in candidates.items():
        sec, cpu = timed(fn, repeats)
        if best is None or sec < best[0]:
            best = (sec, cpu, label)
    return best


def _baseline_row(impl, t, n, best, name, erow, what: str) -> dict:
    sec, cpu, label = best
    log(f"{name} {impl} {t} thr: {n / sec / 1e6:.1f} M points/s ({label})")
    return make_row(
        impl,
        "cpu",
        t,
        n,
        sec,
        net=name,
        notes=f"best: {label}, {what}, float32 pre-transformed inputs; "
        f"viscoann is {sec / erow['seconds_median']:.1f}x faster",
        speedup_viscoann=sec / erow["seconds_median"],
        cpu_seconds_median=cpu,
        points_per_cpu_s=n / cpu,
        speedup_viscoann_cpu_time=cpu / erow["cpu_seconds_median"],
    )


def _torch_rows(W, B, acts, Z, t, batches, args, name, erow) -> list[dict]:
    import torch

    model = torch_mlp(W, B, acts, t)
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
        candidates = {
            f"{mode}, batch {batch}": batched(fn, Zt, batch)
            for mode, fn in modes.items()
            for batch in batches
        }
        best = _best(candidates, args.repeats)
    return [_baseline_row("torch", t, len(Z), best, name, erow, "inference_mode")]


def _onnx_rows(W, B, acts, Z, t, batches, args, name, erow) -> list[dict]:
    try:
        sess = onnx_session(W, B, acts, t)
    except Exception as e:  # pragma: no cover - optional dependency
        log(f"onnxruntime unavailable: {e}")
        return []
    candidates = {
        f"batch {batch}": batched(lambda z: sess.run(None, {"z": z}), Z, batch) for batch in batches
    }
    best = _best(candidates, args.repeats)
    return [_baseline_row("onnxruntime", t, len(Z), best, name, erow, "ORT_ENABLE_ALL")]
