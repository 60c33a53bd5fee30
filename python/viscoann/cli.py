"""The ``viscoann`` command line. Options in km / yr are converted to SI here, at the edge.

Each subcommand is a ``_cmd_<name>(args)`` function registered by ``_add_<name>(sub)``.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__


def _add_info(sub):
    p = sub.add_parser("info", help="print the build configuration")
    p.set_defaults(func=_cmd_info)


def _cmd_info(args) -> int:
    from . import _core
    from .__main__ import cmake_dir

    print(f"viscoann {__version__}")
    print(f"CUDA engine built: {_core.built_with_cuda}; GPU available: {_core.cuda_available()}")
    print(f"CMake package dir: {cmake_dir()}")
    return 0


def _add_bench(sub):
    from .bench import TOPICS

    p = sub.add_parser("bench", help="benchmarks (JSON rows with --json)")
    topics = p.add_subparsers(dest="topic", required=True)
    for name, (add_arguments, run) in TOPICS.items():
        t = topics.add_parser(name)
        t.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        add_arguments(t)
        t.set_defaults(func=_cmd_bench, run=run)


def _cmd_bench(args) -> int:
    from .bench import emit

    emit(args.run(args), args.json)
    return 0


YEAR_S = 365.25 * 86400.0


def _add_solve(sub):
    p = sub.add_parser(
        "solve",
        help="exact layered viscoelastic field of the canonical source on a grid",
        description="Canonical model (15 km elastic layer over a Burgers half-space), canonical "
        "source (vertical strike-slip along +x, 1 m^3 potency). Writes the field on an n x n "
        "surface grid to HDF5 (.h5) or CSV, optional maps and time series.",
    )
    p.add_argument("--depth-km", type=float, nargs="+", default=[10.0], help="source depth(s)")
    p.add_argument(
        "--time-yr",
        type=float,
        nargs="+",
        default=[0.0, 1.0, 10.0, 100.0],
        help="time(s) after the event",
    )
    p.add_argument("--eta-m", type=float, default=1e19, help="Maxwell viscosity [Pa s]")
    p.add_argument(
        "--eta-k",
        type=float,
        default=float("inf"),
        help="Kelvin viscosity [Pa s] (inf: Maxwell half-space)",
    )
    p.add_argument("--extent-km", type=float, default=100.0, help="grid half-width")
    p.add_argument("--n", type=int, default=81, help="grid points per axis")
    p.add_argument("--out", help="output file: .h5/.hdf5 (datasets) or .csv (rows)")
    p.add_argument("--plot", help="PNG: maps of ux, uy, uz at the last time and u(t) - u(0)")
    p.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="X_KM,Y_KM",
        help="time series at this point (repeatable); CSV to --profile-out",
    )
    p.add_argument("--profile-out", help="CSV of the time series (default: stdout)")
    p.add_argument("--profile-plot", help="PNG of the time series")
    from .solve_fault import add_arguments

    add_arguments(p)  # --fault/--stations: a user's fault at stations (solve_fault.py)
    p.set_defaults(func=_cmd_solve)


def _cmd_solve(args) -> int:
    import numpy as np

    from . import exact

    if args.fault or args.stations:
        from .solve_fault import run

        return run(args)
    if args.n < 2:
        raise ValueError(f"--n = {args.n} is invalid; allowed: >= 2")
    if not args.extent_km > 0:
        raise ValueError(f"--extent-km = {args.extent_km} is invalid; allowed: > 0")
    axis = np.linspace(-args.extent_km, args.extent_km, args.n) * 1e3
    X, Y = np.meshgrid(axis, axis)
    depths = np.array(args.depth_km) * 1e3
    times = np.array(args.time_yr) * YEAR_S
    etas = [[args.eta_m, args.eta_k]]
    print(
        f"solving {depths.size} depth(s) x {times.size} time(s) x {X.size} points", file=sys.stderr
    )
    u = exact.grid(X.ravel(), Y.ravel(), depths, times, etas)[0]  # (D, T, P, 3)
    if args.out:
        _write_field(args.out, X.ravel(), Y.ravel(), depths, times, etas[0], u)
    if args.plot:
        from . import plot

        u0 = exact.grid(X.ravel(), Y.ravel(), depths[:1], [0.0], etas)[0, 0, 0]
        shape = (args.n, args.n, 3)
        plot.exact_maps(
            axis / 1e3,
            axis / 1e3,
            u[0, -1].reshape(shape),
            u0.reshape(shape),
            args.plot,
            title=f"depth {depths[0] / 1e3:g} km, t = "
            f"{times[-1] / YEAR_S:g} yr, eta_M = {args.eta_m:g}, "
            f"eta_K = {args.eta_k:g} Pa s",
        )
    if args.profile:
        _profile(args, depths[0], etas, times)
    return 0


def _write_field(path, x, y, depths, times, eta, u) -> None:
    import numpy as np

    if path.endswith((".h5", ".hdf5")):
        import h5py

        with h5py.File(path, "w") as f:
            for name, val, unit in (
                ("x", x, "m"),
                ("y", y, "m"),
                ("depth", depths, "m"),
                ("t", times, "s"),
            ):
                f.create_dataset(name, data=val).attrs["units"] = unit
            d = f.create_dataset("u", data=u, compression="gzip")
            d.attrs["units"] = "m per m^3 of potency"
            d.attrs["axes"] = "depth, t, point, (ux east, uy north, uz up)"
            f.attrs["eta_M_Pa_s"], f.attrs["eta_K_Pa_s"] = eta
            f.attrs["source"] = "vertical strike-slip along +x, left-lateral, POT1 = 1 m^3"
    elif path.endswith(".csv"):
        D, T, P = u.shape[:3]
        rows = np.column_stack(
            [
                np.tile(x, D * T),
                np.tile(y, D * T),
                np.repeat(depths, T * P),
                np.tile(np.repeat(times, P), D),
                np.full(D * T * P, eta[0]),
                np.full(D * T * P, eta[1]),
                u.reshape(-1, 3),
            ]
        )
        np.savetxt(
            path,
            rows,
            delimiter=",",
            comments="",
            header="x_m,y_m,depth_m,t_s,eta_M_Pa_s,eta_K_Pa_s,ux,uy,uz",
        )
    else:
        raise ValueError(f"--out = {path!r} is invalid; allowed: a .h5, .hdf5 or .csv file")


def _profile(args, depth, etas, times) -> None:
    import numpy as np

    from . import exact

    pts = []
    for spec in args.profile:
        try:
            xk, yk = (float(v) for v in spec.split(","))
        except ValueError:
            raise ValueError(f"--profile = {spec!r} is invalid; allowed: X_KM,Y_KM") from None
        pts.append((xk, yk))
    pts = np.array(pts) * 1e3
    t = np.linspace(0.0, max(float(times.max()), YEAR_S), 101)
    u = exact.grid(pts[:, 0], pts[:, 1], [depth], t, etas)[0, 0]  # (T, Q, 3)
    lines = ["x_m,y_m,depth_m,t_s,ux,uy,uz"]
    for q in range(len(pts)):
        for it in range(t.size):
            lines.append(",".join(f"{v:.17g}" for v in (*pts[q], depth, t[it], *u[it, q])))
    text = "\n".join(lines) + "\n"
    if args.profile_out:
        with open(args.profile_out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.profile_plot:
        from . import plot

        labels = [f"({x / 1e3:g}, {y / 1e3:g}) km" for x, y in pts]
        plot.exact_profile(
            t / YEAR_S,
            np.transpose(u, (1, 0, 2)),
            labels,
            args.profile_plot,
            title=f"depth {depth / 1e3:g} km",
        )


def _add_okada(sub):
    p = sub.add_parser(
        "okada",
        help="elastic half-space field of a source on a surface grid (Okada 1992)",
        description="Displacement of an Okada point source (DC3D0) or rectangle (DC3D) on a "
        "square grid of the free surface, in Okada's frame (x along strike, y across, z up). "
        "Defaults: the canonical source, vertical strike-slip, potency 1 m^3. A singular grid "
        "point (on a fault edge) is NaN, with a warning.",
    )
    p.add_argument("--depth-km", type=float, default=10.0, help="source depth (km, > 0)")
    p.add_argument("--dip", type=float, default=90.0, help="dip (degrees, 0-90)")
    p.add_argument(
        "--potency",
        type=float,
        nargs=4,
        default=[1.0, 0.0, 0.0, 0.0],
        metavar=("SS", "DS", "TENS", "INFL"),
        help="potencies (m^3): strike-slip, dip-slip, tensile, inflation",
    )
    p.add_argument(
        "--rectangle-km",
        type=float,
        nargs=4,
        metavar=("AL1", "AL2", "AW1", "AW2"),
        help="a finite rectangle instead of a point source (DC3D): extent along "
        "strike and up-dip from the reference point at --depth-km (km)",
    )
    p.add_argument(
        "--slip",
        type=float,
        nargs=3,
        default=[1.0, 0.0, 0.0],
        metavar=("SS", "DS", "TENS"),
        help="rectangle slip (m): strike-slip, dip-slip, tensile",
    )
    p.add_argument("--alpha", type=float, default=2 / 3, help="(lambda+mu)/(lambda+2mu)")
    p.add_argument("--extent-km", type=float, default=50.0, help="grid half-width (km)")
    p.add_argument("--n", type=int, default=101, help="grid points per axis")
    p.add_argument("--out", help="write the field to FILE.csv or FILE.h5 (default: CSV on stdout)")
    p.add_argument("--plot", help="draw ux, uy, uz maps to this image file (e.g. map.png)")
    p.set_defaults(func=_cmd_okada)


def _cmd_okada(args) -> int:
    import numpy as np

    from . import okada

    if args.n < 2:
        raise ValueError(f"--n = {args.n} is outside the allowed range n >= 2")
    if not args.extent_km > 0:
        raise ValueError(f"--extent-km = {args.extent_km} is outside the allowed range > 0")
    depth, extent = args.depth_km * 1e3, args.extent_km * 1e3  # km -> m, here at the edge
    x = np.linspace(-extent, extent, args.n)
    y = np.linspace(-extent, extent, args.n)
    gx, gy = np.meshgrid(x, y, indexing="xy")
    if args.rectangle_km:
        al1, al2, aw1, aw2 = (v * 1e3 for v in args.rectangle_km)
        u = okada.rectangle(
            gx, gy, 0.0, depth, args.dip, al1, al2, aw1, aw2, args.slip, alpha=args.alpha
        )
        source = f"rectangle {tuple(args.rectangle_km)} km, slip {tuple(args.slip)} m"
    else:
        u = okada.point(gx, gy, 0.0, depth, args.dip, args.potency, alpha=args.alpha)
        source = f"point source, potency {tuple(args.potency)} m³"
    out = args.out
    if out and out.endswith((".h5", ".hdf5")):
        import h5py

        with h5py.File(out, "w") as f:
            f["x"], f["y"], f["u"] = x, y, u
            f["u"].attrs["description"] = "u[iy, ix, k]: (ux, uy, uz) in m, Okada frame"
            for key, value in (("depth_m", depth), ("dip_deg", args.dip), ("alpha", args.alpha)):
                f.attrs[key] = value
            if args.rectangle_km:
                f.attrs["rectangle_m"] = np.asarray(args.rectangle_km) * 1e3
                f.attrs["slip_m"] = np.asarray(args.slip)
            else:
                f.attrs["potency_m3"] = np.asarray(args.potency)
    else:
        table = np.column_stack([gx.ravel(), gy.ravel(), u.reshape(-1, 3)])
        header = "x_m,y_m,ux_m,uy_m,uz_m"
        np.savetxt(
            out if out else sys.stdout,
            table,
            delimiter=",",
            header=header,
            comments="",
            fmt="%.17g",
        )
    if args.plot:
        from .plot import displacement_maps

        title = f"Okada {source}: depth {args.depth_km:g} km, dip {args.dip:g}°"
        displacement_maps(x, y, u, args.plot, title=title)
        print(f"wrote {args.plot}", file=sys.stderr)
    if out:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def _add_generate(sub):
    p = sub.add_parser("generate", help="training/test data on the seed's grids (HDF5 shards)")
    p.add_argument("out", help="output directory (resumes if it holds the same grid)")
    p.add_argument(
        "--grid",
        choices=["train", "test", "radial"],
        default="train",
        help="the seed's training grid, its test grid, or the radial functions' "
        "grid of the radial form (default train)",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="shrink every axis by this factor, in (0, 1] (default 1: full size)",
    )
    p.add_argument(
        "--sizes",
        default=None,
        metavar="NXY,ND,NT,NM,NK",
        help="override axis sizes (points per horizontal axis, or distances for "
        "--grid radial, depths, times, eta_M values, eta_K values); '-' keeps "
        "the scaled size",
    )
    p.add_argument(
        "--layout",
        choices=["uniform", "stretched"],
        default="uniform",
        help="training points: the seed's uniform grid, or denser near the source",
    )
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS",
        help="run shards on a Dask cluster: a scheduler address, or 'local'",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_generate)


def _parse_sizes(text: str | None):
    if text is None:
        return None
    try:
        return [None if v.strip() == "-" else int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(
            f"--sizes must be 5 comma-separated integers or '-', got {text!r}"
        ) from None


def _cmd_generate(args) -> int:
    from . import data

    g = data.grid(args.grid, args.scale, _parse_sizes(args.sizes), args.layout)
    D, E, T, P = g.shape
    print(
        f"{args.grid} grid: {P} points x {D} depths x {T} times x {E} viscosities "
        f"= {g.n_samples:,} samples in {D * E} shards -> {args.out}",
        file=sys.stderr,
    )
    data.generate(args.out, g, dask=args.dask, progress=not args.no_progress)
    return 0


def _add_train(sub):
    p = sub.add_parser("train", help="train an MLP surrogate on `generate` shards (PyTorch)")
    p.add_argument("data", help="training data directory (from `viscoann generate`)")
    p.add_argument("out", help="run directory: checkpoint, history, spec, curves (resumes)")
    p.add_argument("--layers", type=int, default=6, help="hidden layers (default 6)")
    p.add_argument("--width", type=int, default=20, help="neurons per hidden layer (default 20)")
    p.add_argument(
        "--activations",
        default="tanh,relu",
        help="activation pattern over the hidden layers (default tanh,relu)",
    )
    p.add_argument(
        "--target",
        choices=["remainder", "full", "radial"],
        default="remainder",
        help="learn u(t) - u(0) on top of exact Okada (default), the full field, or "
        "the radial functions' remainder (data from --grid radial)",
    )
    p.add_argument(
        "--time-shift-yr",
        type=float,
        default=0.01,
        help="radial target: time feature log10(t + shift) (default 0.01 yr)",
    )
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--lr", type=float, default=3e-3, help="initial Adam learning rate")
    p.add_argument("--lr-final", type=float, default=3e-5, help="final (cosine decay)")
    p.add_argument("--loss", choices=["mse", "l1"], default="mse")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    p.add_argument(
        "--init-from",
        default=None,
        metavar="SPEC_JSON",
        help="start from these weights (fine-tuning, same architecture)",
    )
    p.add_argument("--model", default=None, help="also write the model file (.safetensors) here")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_train)


def _cmd_train(args) -> int:
    from pathlib import Path

    from . import plot, train

    cfg = train.TrainConfig(
        hidden_layers=args.layers,
        width=args.width,
        activations=tuple(a.strip() for a in args.activations.split(",")),
        target=args.target,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        lr_final=args.lr_final,
        loss=args.loss,
        seed=args.seed,
        init_from=args.init_from,
        time_shift=args.time_shift_yr * train.YEAR,
    )
    cfg.check()
    out = Path(args.out)
    spec = train.train(args.data, out, cfg, progress=not args.no_progress, threads=args.threads)
    train.save_spec(spec, out / "spec.json")
    plot.training_curves({cfg.name: spec["history"]}, out / "training_curves.png")
    last = spec["history"][-1]
    print(
        f"{cfg.name} {cfg.target}: train loss {last['train_loss']:.4g}, "
        f"val loss {last['val_loss']:.4g} -> {out}",
        file=sys.stderr,
    )
    if args.model:
        train.export_spec(spec, args.model)
    return 0


def _add_plot(sub):
    p = sub.add_parser("plot", help="figures: the seed's experiments, training curves")
    figs = p.add_subparsers(dest="figure", required=True)
    w = figs.add_parser("warmup", help="seed Fig. 2: elastic warm-up (trains one net per size)")
    w.add_argument("out", help="output directory (elastic_warmup.png, elastic_warmup.json)")
    w.add_argument("--points", default="500,13450,42200", help="training-set sizes")
    w.add_argument("--depth-km", type=float, default=7.9, help="source depth, km (default 7.9)")
    w.add_argument("--steps", type=int, default=20000, help="Adam steps per net")
    w.add_argument("--layers", type=int, default=6)
    w.add_argument("--width", type=int, default=20)
    w.add_argument("--seed", type=int, default=0)
    w.add_argument("--no-progress", action="store_true")
    w.set_defaults(func=_cmd_plot_warmup)
    c = figs.add_parser(
        "canonical", help="seed Fig. 3: surrogates against the exact solver on the test grid"
    )
    c.add_argument("test", help="test data directory (`viscoann generate --grid test`)")
    c.add_argument(
        "models",
        nargs="+",
        metavar="LABEL=MODEL",
        help="model files (.safetensors) or training run directories (spec.json)",
    )
    c.add_argument("--out", required=True, help="output directory")
    c.add_argument("--no-progress", action="store_true")
    c.set_defaults(func=_cmd_plot_canonical)
    k = figs.add_parser("curves", help="training and validation loss of training runs")
    k.add_argument("out", help="output image (.png)")
    k.add_argument("runs", nargs="+", metavar="[LABEL=]RUN_DIR")
    k.set_defaults(func=_cmd_plot_curves)


def _labelled(items):
    out = {}
    for item in items:
        label, _, path = item.rpartition("=")
        out[label or path.rstrip("/").rsplit("/", 1)[-1]] = path
    return out


def _cmd_plot_warmup(args) -> int:
    import json
    from pathlib import Path

    from . import plot, train

    sizes = [int(v) for v in args.points.split(",")]
    cfg = train.TrainConfig(
        hidden_layers=args.layers,
        width=args.width,
        target="full",
        batch_size=256,
        lr=3e-3,
        lr_final=1e-5,
        seed=args.seed,
    )
    r = train.elastic_warmup(
        sizes,
        depth=args.depth_km * 1e3,
        config=cfg,
        steps=args.steps,
        progress=not args.no_progress,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot.elastic_warmup(r, out / "elastic_warmup.png")
    runs = [
        {
            **{k: v for k, v in run.items() if k not in ("pred", "history")},
            "final_epoch": run["history"][-1],
        }
        for run in r["runs"]
    ]
    summary = {
        "depth_m": r["depth"],
        "net": r["net"],
        "activations": r["activations"],
        "steps": r["steps"],
        "mean_abs_u": r["mean_abs_u"],
        "runs": runs,
    }
    (out / "elastic_warmup.json").write_text(json.dumps(summary, indent=1))
    for run in r["runs"]:
        print(
            f"{run['n_points']:>7,} points: mean |residual| {run['mean_abs_residual']:.3e} "
            f"(mean |u| {r['mean_abs_u']:.3e})"
        )
    return 0


def _cmd_plot_canonical(args) -> int:
    from pathlib import Path

    from . import evaluate, plot

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    metrics = {}
    for label, path in _labelled(args.models).items():
        m = evaluate.evaluate(evaluate.predictor(path), args.test, progress=not args.no_progress)
        evaluate.save(m, out / f"canonical_{label}.json")
        metrics[label] = m
        print(f"{label}: " + ", ".join(f"{k} {v:.4g}" for k, v in evaluate.summary(m).items()))
    plot.canonical_residuals(metrics, out / "canonical_residuals.png")
    return 0


def _cmd_plot_curves(args) -> int:
    import json
    from pathlib import Path

    from . import plot

    hist = {
        label: json.loads((Path(p) / "history.json").read_text())
        for label, p in _labelled(args.runs).items()
    }
    plot.training_curves(hist, args.out)
    return 0


def _add_export(sub):
    p = sub.add_parser("export", help="write a training run as a model file (.safetensors)")
    p.add_argument("run", help="training run directory (spec.json) or a spec.json")
    p.add_argument("model", help="output model file (.safetensors)")
    p.add_argument(
        "--metrics",
        default=None,
        help="test-grid metrics JSON (`viscoann plot canonical`) to record in the "
        "model's provenance",
    )
    p.set_defaults(func=_cmd_export)


def _cmd_export(args) -> int:
    import json
    from pathlib import Path

    from . import train

    run = Path(args.run)
    spec = train.load_spec(run / "spec.json" if run.is_dir() else run)
    metrics = None
    if args.metrics:
        m = json.loads(Path(args.metrics).read_text())
        metrics = {
            k: m[k]
            for k in (
                "n_samples",
                "mean_abs_residual",
                "mean_abs_u",
                "mean_abs_postseismic",
                "rel_total",
                "rel_postseismic",
                "p99_abs_residual",
                "max_abs_residual",
                "per_depth",
                "per_time",
                "per_eta",
                "depths",
                "times",
                "etas",
            )
            if k in m
        }
    path = train.export_spec(spec, args.model, metrics=metrics)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


_COMMANDS = [
    _add_info,
    _add_bench,
    _add_okada,
    _add_solve,
    _add_generate,
    _add_train,
    _add_plot,
    _add_export,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="viscoann", description="Fast viscoelastic earthquake deformation, exact and neural."
    )
    parser.add_argument("--version", action="version", version=f"viscoann {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, OSError, RuntimeError) as err:
        print(f"viscoann {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
