"""``viscoann bench kernel``: the neural kernel's C++ engine (viscoann/kernel.hpp) on a
random-weight net of the shipped kernel's size (widths 3-6000-10K, K = 16, 646 basis points
by default; speed does not depend on the weights), or a kernel file (``--model``, ``shipped``).
Rows, evaluations = station x source point x time (x model):

(a) a finite fault: ``--patches`` patches (a square grid on a 30-degree dipping thrust) x 16
    quadrature points (4 x 4 per patch, one depth per quadrature row) x ``--stations`` x
    ``--times``, one ``Kernel.remainder_depths`` call for all source depths (what
    ``NeuralKernel.displacement`` makes; the sources of a depth share the net's coefficients);
(b) the seed's grid shape (10,000 points x 81 times x 13 depths x 25 models, one canonical
    source): a subset of models at one depth is timed, extrapolated linearly to the grid
    (the cost per depth is one call of the same size);
(c) scattered samples: every sample its own depth, time, viscosities, H and offset, one call
    of ``Kernel.samples`` (a row of the net each).

Medians of ``--repeats`` runs with their CPU time and the load average alongside (the machine
is shared).
"""

from __future__ import annotations

import os

import numpy as np

from ..conventions import YEAR, threads_count
from .rows import log, make_row, timed


def add_arguments(p) -> None:
    p.add_argument(
        "--model",
        default=None,
        help="a kernel file, or 'shipped' (default: random weights of --modes/--hidden sizes)",
    )
    p.add_argument("--modes", type=int, default=16, help="K, basis functions per function")
    p.add_argument("--hidden", type=str, default="6000", help="hidden widths")
    p.add_argument("--rho-spacing", type=float, default=0.05, help="basis spacing in rho = r/H")
    p.add_argument("--patches", type=int, default=100)
    p.add_argument("--stations", type=int, default=1000)
    p.add_argument("--times", type=int, default=100)
    p.add_argument("--seed-models", type=int, default=5, help="models of the seed grid timed")
    p.add_argument("--samples", type=int, default=20000, help="scattered samples timed")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="0: all cores")


def random_kernel(modes: int, hidden: list[int], rho_spacing: float, seed: int = 0) -> bytes:
    """A random-weight kernel file of the family (r_max 300 km at H >= 10 km: rho <= 30) with
    these sizes."""
    from .. import export

    rng = np.random.default_rng(seed)
    widths = [3, *hidden, 10 * modes]
    L = len(widths) - 1
    ws = [rng.normal(0, 1 / np.sqrt(widths[i]), (widths[i + 1], widths[i])) for i in range(L)]
    bs = [rng.normal(0, 0.1, widths[i + 1]) for i in range(L)]
    acts = ["tanh"] * (L - 1) + ["identity"]
    domains = ([0.02, 0.98], [-7.0, 3.0], [0.0, 4.5])
    inputs = [
        {"name": n, "unit": u, "log10": False, "domain": d}
        for n, u, d in zip(
            export.KERNEL_FEATURES, export.KERNEL_FEATURE_UNITS, domains, strict=True
        )
    ]
    outputs = [{"name": f"c{j}", "unit": "1", "scale": 1.0} for j in range(10 * modes)]
    n_r = int(np.ceil(30.0 / rho_spacing)) + 4
    family = {"H": [10e3, 50e3], "depth_margin": 1e3, "eta_M": [1e18, 1e21]}
    family |= {"eta_K": [1e17, 1e20], "maxwell": True, "r_max": 300e3, "t_max": 1000 * YEAR}
    geometry = {"kind": "elementary_kernel", "n_modes": modes, "rho_spacing": rho_spacing}
    geometry |= {"n_r": n_r, "mu_M": 3e10, "mu_K": 3e10, "family": family}
    basis = rng.normal(size=(10, modes, n_r))
    return export.to_bytes(
        ws, bs, acts, inputs=inputs, outputs=outputs, geometry=geometry, basis=basis
    )


def _fault(n_patches: int):
    """Quadrature points (east, north, depth) of a square grid of 2 km patches on a thrust
    dipping 30 degrees (top at 2 km), 4 x 4 Gauss points each; potency tensors (thrust)."""
    n_side = max(1, round(np.sqrt(n_patches)))
    size, dip = 2e3, np.radians(30.0)
    g = (np.polynomial.legendre.leggauss(4)[0] + 1) / 2  # [0, 1]
    pts = []
    for d in range(n_side):
        for s in range(n_side):
            for a in g:
                for b in g:
                    down = (d + a) * size
                    pts.append([down * np.cos(dip), (s + b) * size, 2e3 + down * np.sin(dip)])
    pts = np.array(pts)
    n = np.array([np.sin(dip), 0.0, np.cos(dip)])  # the plane's normal, up
    u = np.array([-np.cos(dip), 0.0, np.sin(dip)])  # up-dip slip of the hanging wall
    P = (np.outer(u, n) + np.outer(n, u)) / 2 * (size * size / 16)
    tensor = [P[0, 0], P[1, 1], P[2, 2], P[0, 1], P[0, 2], P[1, 2]]
    return pts, np.array(tensor)


def _torch_finite_fault(data: bytes, calls, times, eta, threads: int, repeats: int):
    """PyTorch on the same model, inputs and threads as case (a): per source depth the net's
    rows in float64 (the shipped kernel's wide layer cancels ~1e6: float32 is not the same
    model), c = H^-2 w (out_scale y + out_offset), then c times that depth's B (azimuthal
    factors x basis at the stations, summed over its sources). B depends on the geometry and H
    only; it comes from the engine's basis_synthesis with unit coefficients, outside the timing,
    so the ratio favours PyTorch. Returns (median wall s, CPU s, its field (T, 3 S))."""
    import torch

    from .. import _core, export
    from .baselines import torch_mlp

    doc = export.read(data)
    geo, ins, outs = doc["geometry"], doc["inputs"], doc["outputs"]
    K = geo["n_modes"]
    net = torch_mlp(doc["weights"], doc["biases"], doc["activations"], threads, double=True)
    in_s, in_o = (np.array([e[k] for e in ins]) for k in ("scale", "offset"))
    out_s, out_o = (np.array([e.get(k, d) for e in outs]) for k, d in (("scale", 1), ("offset", 0)))
    eM, eK, H = eta["eta_M"][0], eta["eta_K"][0], eta["H"][0]
    tM, tK = times * geo["mu_M"] / eM, times * geo["mu_K"] / eK
    q2 = np.maximum(np.log10(tM), ins[1]["domain"][0])
    x = tM + tK
    sw = torch.from_numpy(x / (1 + x) / H**2)[:, None]
    out_s, out_o = torch.from_numpy(out_s), torch.from_numpy(out_o)
    basis = np.asarray(doc["basis"], dtype=float)
    unit = np.eye(10 * K).reshape(10 * K, 10, K)
    pre = []
    for d, tensors, xs, ys in calls:
        q = np.stack([np.full_like(times, d / H), q2, np.log10(1 + tK)], axis=1)
        B = _core.basis_synthesis(
            basis, geo["rho_spacing"], unit, tensors, xs / H, ys / H, threads=threads
        )
        pre.append((torch.from_numpy(q * in_s + in_o), torch.from_numpy(B.reshape(10 * K, -1))))

    def field():
        with torch.inference_mode():
            acc = torch.zeros(len(times), pre[0][1].shape[1], dtype=torch.float64)
            for z, B in pre:
                acc += (sw * (out_s * net(z) + out_o)) @ B
        return acc

    wall, cpu = timed(field, repeats)
    return wall, cpu, field().numpy()


def run(args) -> list[dict]:
    from .. import _core

    threads = threads_count(args.threads)
    if args.model is None:
        hidden = [int(v) for v in args.hidden.split(",") if v]
        data = random_kernel(args.modes, hidden, args.rho_spacing)
        kernel = _core.Kernel.from_bytes(data)
        net = "-".join(str(w) for w in [3, *hidden, 10 * args.modes])
    else:
        from ..kernel import NeuralKernel

        nk = NeuralKernel.pretrained() if args.model == "shipped" else NeuralKernel.load(args.model)
        kernel, data = nk._engine, nk._data
        net = "-".join(str(w) for w in nk.metadata["widths"])
    rows, rng = [], np.random.default_rng(3)
    eta = dict(eta_M=[1e19], eta_K=[1e18], H=[20e3])

    def load():
        return f"load {os.getloadavg()[0]:.2f}"

    # (a) finite fault
    pts, tensor = _fault(args.patches)
    stations = rng.uniform(-100e3, 100e3, (args.stations, 2))
    times = np.geomspace(3600.0, 100 * YEAR, args.times)
    depths = np.unique(pts[:, 2])
    calls = []
    for d in depths:
        q = pts[pts[:, 2] == d]
        x = stations[None, :, 0] - q[:, None, 0]
        y = stations[None, :, 1] - q[:, None, 1]
        calls.append((d, np.repeat(tensor[None], len(q), 0), x, y))

    start = np.cumsum([0] + [len(c[1]) for c in calls])
    joined = [np.concatenate([c[j] for c in calls]) for j in (1, 2, 3)]

    def fault():
        return kernel.remainder_depths(
            depths,
            start,
            **eta,
            times=times,
            tensors=joined[0],
            x=joined[1],
            y=joined[2],
            threads=threads,
        )

    wall, cpu = timed(fault, args.repeats)
    n_eval = len(pts) * args.stations * args.times
    log(f"kernel: finite fault {n_eval:.3g} evaluations {wall:.3f} s ({n_eval / wall:.3g}/s)")
    rows.append(
        make_row(
            "viscoann-kernel",
            "cpu",
            threads,
            n_eval,
            wall,
            net=net,
            notes=f"finite fault: {len(pts)} quadrature points at {len(depths)} depths x "
            f"{args.stations} stations x {args.times} times; cpu {cpu:.3f} s, {load()}",
            path="finite_fault",
            cpu_seconds=cpu,
        )
    )
    try:
        t_wall, t_cpu, t_field = _torch_finite_fault(data, calls, times, eta, threads, args.repeats)
    except ImportError:
        log("kernel: torch not installed, no PyTorch row")
    else:
        ours = fault()[0, 0].reshape(len(times), -1)
        diff = float(np.abs(t_field - ours).max() / np.abs(ours).max())
        log(f"kernel: PyTorch finite fault {t_wall:.3f} s; viscoann {t_wall / wall:.2f}x")
        rows.append(
            make_row(
                "torch",
                "cpu",
                threads,
                n_eval,
                t_wall,
                net=net,
                notes=f"finite fault, the same model and inputs: float64 net rows per depth, "
                f"then the product with B (precomputed, untimed); viscoann is "
                f"{t_wall / wall:.2f}x; max |diff| / max |u| = {diff:.1e}; cpu {t_cpu:.3f} s",
                path="finite_fault",
                cpu_seconds=t_cpu,
                speedup=t_wall / wall,
                max_rel_diff=diff,
            )
        )

    # (b) the seed grid's shape: one depth, a subset of the 25 models, extrapolated.
    n_pts, n_t, n_d, n_e = 10_000, 81, 13, 25
    e = min(args.seed_models, n_e)
    xy = rng.uniform(-100e3, 100e3, (1, n_pts)), rng.uniform(-100e3, 100e3, (1, n_pts))
    st = np.concatenate([[0.0], np.geomspace(86400.0, 100 * YEAR, n_t - 1)])
    models = dict(
        eta_M=np.geomspace(1e18, 1e21, e), eta_K=np.geomspace(1e17, 1e20, e), H=np.full(e, 15e3)
    )
    canonical = np.array([[0, 0, 0, -0.5, 0, 0]])

    def seed():
        kernel.remainder(
            8e3, **models, times=st, tensors=canonical, x=xy[0], y=xy[1], threads=threads
        )

    wall, cpu = timed(seed, args.repeats)
    n_sub, n_full = n_pts * n_t * e, n_pts * n_t * n_d * n_e
    log(f"kernel: seed grid subset {n_sub:.3g} {wall:.3f} s; full {wall * n_full / n_sub:.2f} s")
    rows.append(
        make_row(
            "viscoann-kernel",
            "cpu",
            threads,
            n_sub,
            wall,
            net=net,
            full_points=n_full,
            notes=f"seed grid shape: 1 depth x {e} of 25 models x 81 times x 10,000 points timed"
            f", extrapolated to 13 depths x 25 models; cpu {cpu:.3f} s, {load()}",
            path="seed_grid",
            cpu_seconds=cpu,
        )
    )

    # (c) scattered samples: one batched call, every sample its own row of the net.
    n_s = args.samples
    H = rng.uniform(10e3, 50e3, n_s)
    r, phi = rng.uniform(0, 200e3, n_s), rng.uniform(0, 2 * np.pi, n_s)
    samp = dict(
        depth=H * rng.uniform(0.1, 0.9, n_s),
        eta_M=10 ** rng.uniform(18, 21, n_s),
        eta_K=10 ** rng.uniform(17, 20, n_s),
        H=H,
        t=10 ** rng.uniform(3, 10.5, n_s),
        tensors=np.repeat(canonical, n_s, 0),
        x=r * np.cos(phi),
        y=r * np.sin(phi),
    )
    wall, cpu = timed(lambda: kernel.samples(**samp, threads=threads), args.repeats)
    log(f"kernel: scattered {n_s} samples {wall:.3f} s ({n_s / wall:.3g}/s)")
    rows.append(
        make_row(
            "viscoann-kernel",
            "cpu",
            threads,
            n_s,
            wall,
            net=net,
            notes=f"scattered samples (depth, t, eta, H, offset per sample), one call of "
            f"Kernel.samples; cpu {cpu:.3f} s, {load()}",
            path="scattered",
            cpu_seconds=cpu,
        )
    )
    return rows
