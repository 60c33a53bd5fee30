"""``viscoann predict``: a surrogate model file (default: the shipped one) on the fused engine,
at the rows of a points file or on a grid as in ``viscoann solve``."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli_options import (
    CANONICAL_SOURCE,
    DATA_SUFFIXES,
    ENU,
    FLAT_EARTH_KM,
    FLAT_WHY,
    OUTPUT_RULES,
    UsageError,
    add_canonical_options,
    allowed,
    canonical_grid_field,
    canonical_values,
    check_memory,
    check_outputs,
    command_line,
    fmt,
    modules_for,
    progress_bar,
    require,
    sample_coords,
    warnings_to_stderr,
    wrote,
)
from .conventions import YEAR


def add(sub):
    p = sub.add_parser(
        "predict",
        help="the surrogate (shipped or a model file) at points from a file or on a grid",
        description="Evaluates a surrogate model file (default: the shipped canonical model, "
        "Surrogate.pretrained()) on the fused engine, for the canonical source in the "
        "canonical model: at the rows of --points FILE, or on an n x n surface grid (x east, "
        "y north) at every depth and time. A points file gives x and y and optionally depth, "
        "t, eta_M, eta_K, its column names carrying the units (x_km or x_m, depth_km, t_yr or "
        "t_s, eta_M_Pa_s; an HDF5 file: the 'samples' layout this command writes); a "
        "quantity not in the file comes from its option, and with several --depth-km or "
        "--time-yr values every row is evaluated at each. Samples outside the model's "
        "training domain are extrapolated, with a warning and in_domain = 0 in the output. "
        "The maps of --plot show u(t) - u(0) with the exact elastic u(0) (Okada).",
        epilog=OUTPUT_RULES,
    )
    p.add_argument("--model", help="model file (.safetensors); default: the shipped model")
    p.add_argument("--points", metavar="FILE", help="points: .csv (header with units) or .h5")
    add_canonical_options(p, grid_help="grid (without --points)")
    p.add_argument("--out", help="the prediction: .h5/.hdf5, .csv, or - (CSV on stdout)")
    p.add_argument("--plot", help="image: maps (a grid, or points at one time) or time series")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="engine (default cpu)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (default 0: all cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_predict)


_CANONICAL_INPUTS = ["x", "y", "depth", "t", "eta_M", "eta_K"]
_OPTION_OF = {"depth": "depth_km", "t": "time_yr", "eta_M": "eta_m", "eta_K": "eta_k"}
_PREDICT_CHUNK = 1 << 18  # samples per engine call (the progress bar's step)


def _load_model(path):
    from .surrogate import Surrogate

    if path is None:
        net = Surrogate.pretrained()
    else:
        if not Path(path).is_file():
            raise UsageError(f"--model {path} is not a file; allowed: a .safetensors model file")
        try:
            net = Surrogate.load(path)
        except (OSError, ValueError, RuntimeError) as err:
            raise UsageError(f"--model {path} cannot be read: {err}") from None
    if list(net.input_names) != _CANONICAL_INPUTS:
        raise UsageError(
            f"--model {path}: inputs {', '.join(net.input_names)}; viscoann predict evaluates "
            f"models of the canonical inputs ({', '.join(_CANONICAL_INPUTS)})"
        )
    return net


def _check_column(path, col, *, lo=None, lo_open=False, hi=None, inf_ok=False, why=""):
    """Values of a points-file column (SI) in range; the message in the file's own units."""
    import numpy as np

    v = col.values
    ok = ~np.isnan(v) & (np.isfinite(v) | (inf_ok & (v > 0)))
    if lo is not None:
        ok &= (v > lo) if lo_open else (v >= lo)
    if hi is not None:
        ok &= v <= hi
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        f = col.factor
        text = allowed(
            None if lo is None else lo / f,
            lo_open,
            None if hi is None else hi / f,
            False,
            col.unit.replace("_", " "),
            inf_ok,
        )
        raise UsageError(
            f"--points {path}: {col.name} = {fmt(v[i] / f)} in row {i + 1} is invalid; "
            f"allowed: {text}{why}"
        )


def _points_samples(args, finite) -> tuple[dict, dict]:
    """The samples of --points (checked) as SI columns, and how they were formed."""
    import numpy as np

    from . import field_io

    path = args.points
    if Path(path).suffix.lower() not in (".csv", ".h5", ".hdf5"):
        raise UsageError(f"--points {path} is invalid; allowed: a .csv, .h5 or .hdf5 file")
    if not Path(path).is_file():
        raise UsageError(f"--points {path} is not a file")
    if Path(path).suffix.lower() != ".csv":
        require("predict", "h5py")
    for option in ("extent_km", "n"):
        if getattr(args, option) is not None:
            raise UsageError(
                f"--{option.replace('_', '-')} {fmt(getattr(args, option))} sets the grid; "
                "with --points the points come from the file"
            )
    try:
        cols = field_io.read_samples(path)
    except (OSError, ValueError) as err:
        raise UsageError(f"--points {path}: {err}") from None
    for q, opt in _OPTION_OF.items():
        if q in cols and getattr(args, opt) is not None:
            raise UsageError(
                f"--{opt.replace('_', '-')} is also given by column {cols[q].name} of "
                f"{path}; give one"
            )
    for q in ("x", "y"):
        _check_column(path, cols[q])
    r = np.hypot(cols["x"].values, cols["y"].values)
    if (r > FLAT_EARTH_KM * 1e3).any():
        i = int(np.flatnonzero(r > FLAT_EARTH_KM * 1e3)[0])
        raise UsageError(
            f"--points {path}: row {i + 1} lies {fmt(r[i] / 1e3)} km from the source; "
            f"allowed: <= {FLAT_EARTH_KM:g} km{FLAT_WHY}"
        )
    if "depth" in cols:
        _check_column(path, cols["depth"], lo=0, lo_open=True, hi=FLAT_EARTH_KM * 1e3)
    if "t" in cols:
        _check_column(path, cols["t"], lo=0)
    for q in ("eta_M", "eta_K"):
        if q in cols:
            why = f" (the model takes log10 of {q})" if q in finite else ""
            _check_column(path, cols[q], lo=0, lo_open=True, inf_ok=q not in finite, why=why)
    c = canonical_values(args, finite)
    n_rows = cols["x"].values.size
    axes = {
        "depth": [None] if "depth" in cols else c["depths"],
        "t": [None] if "t" in cols else c["times"],
    }
    shape = {"rows": n_rows, "depths": len(axes["depth"]), "times": len(axes["t"])}
    return {"cols": cols, "axes": axes, "eta": c["eta"]}, shape


def _build_samples(plan) -> dict:
    """Rows in (option depth, option time, file row) order, as SI columns."""
    import numpy as np

    cols, axes, eta = plan["cols"], plan["axes"], plan["eta"]
    n = cols["x"].values.size
    rep = len(axes["depth"]) * len(axes["t"])
    rows = {q: np.tile(cols[q].values, rep) for q in ("x", "y")}
    for q in ("depth", "t"):
        if q in cols:
            rows[q] = np.tile(cols[q].values, rep)
    if "depth" not in cols:
        rows["depth"] = np.repeat(np.asarray(axes["depth"], float), len(axes["t"]) * n)
    if "t" not in cols:
        rows["t"] = np.tile(np.repeat(np.asarray(axes["t"], float), n), len(axes["depth"]))
    for q, default in (("eta_M", eta[0]), ("eta_K", eta[1])):
        rows[q] = np.tile(cols[q].values, rep) if q in cols else np.full(n * rep, default)
    return {q: rows[q] for q in _CANONICAL_INPUTS}


def _check_predict(args) -> dict:
    net = _load_model(args.model)
    finite = [i["name"] for i in net.metadata["inputs"] if i.get("log10")]
    if args.points:
        plan, shape = _points_samples(args, finite)
        samples = shape["rows"] * shape["depths"] * shape["times"]
        what = (
            f"--points {args.points}: {shape['rows']:,} rows x {shape['depths']} depth(s) "
            f"x {shape['times']} time(s)"
        )
        per_sample = 6 * 8 * 2 + 24 + 1
    else:
        plan = canonical_values(args, finite)
        samples = len(plan["depths"]) * len(plan["times"]) * plan["n"] ** 2
        what = f"--n {plan['n']} with {len(plan['depths'])} depth(s) x {len(plan['times'])} time(s)"
        per_sample = 24 + 1 + 48
    if args.device == "cuda":
        from . import _core

        if not _core.cuda_available():
            built = "with" if _core.built_with_cuda else "without"
            raise UsageError(
                f"--device cuda: no CUDA GPU is available (this build is {built} the CUDA "
                "engine); allowed: --device cpu"
            )
    if args.threads < 0:
        raise UsageError(f"--threads {args.threads} is invalid; allowed: >= 0 (0: all cores)")
    if not (args.out or args.plot):
        args.out = "-"
    require("predict", *modules_for(args, (args.plot,)))
    check_outputs([("--out", args.out, DATA_SUFFIXES), ("--plot", args.plot, "image")])
    check_memory(what, per_sample * samples, per_sample, "samples", "fewer points or times")
    plan["net"] = net
    return plan


def _domain_text(net) -> str:
    scale = {"m": (1e3, "km"), "s": (YEAR, "yr")}
    parts = []
    for name, unit, (lo, hi) in zip(net.input_names, net.input_units, net.domain, strict=True):
        f, u = scale.get(unit, (1.0, unit))
        parts.append(f"{name} {fmt(lo / f)}..{fmt(hi / f)} {u}")
    return ", ".join(parts)


def _warn_outside(net, inside, what: str) -> None:
    outside = int(inside.size - inside.sum())
    if outside:
        print(
            f"viscoann predict: warning: {outside:,} of {inside.size:,} {what} lie outside the "
            f"model's training domain ({_domain_text(net)}); they are extrapolated and marked "
            "in_domain = 0",
            file=sys.stderr,
        )


def _cmd_predict(args) -> int:
    import numpy as np

    from . import field_io
    from .field_io import Field, Variable

    plan = _check_predict(args)
    net = plan["net"]
    threads = None if args.threads == 0 else args.threads
    model = str(args.model) if args.model else "shipped canonical model (Surrogate.pretrained())"
    attrs = {
        "frame": ENU,
        "source": CANONICAL_SOURCE,
        "model": model,
        "command": command_line(args),
    }
    with warnings_to_stderr("predict"):
        if args.points:
            rows = _build_samples(plan)
            X = np.column_stack([rows[q] for q in _CANONICAL_INPUTS])
            print(f"predict: {len(X):,} samples ({net!r}, {args.device})", file=sys.stderr)
            inside = net.in_domain(X)
            _warn_outside(net, inside, "samples")
            u = np.empty((len(X), 3))
            bar = progress_bar(not args.no_progress, len(X), "predict", "pt")
            for a in range(0, len(X), _PREDICT_CHUNK):
                b = min(len(X), a + _PREDICT_CHUNK)
                u[a:b] = net.predict(X[a:b], args.device, threads, check_domain=False)
                bar.update(b - a)
            bar.close()
            del X
            field = Field(
                Variable(u, "m", "displacement of a source of potency 1 m^3", ("sample",)),
                sample_coords(rows),
                "samples",
                tuple(_CANONICAL_INPUTS),
                attrs=attrs,
            )
        else:
            field, inside = _predict_grid(net, plan, args, threads, attrs)
        field.extra["in_domain"] = Variable(
            inside.astype(np.uint8),
            "1",
            "1: inside the model's training domain; 0: extrapolated",
            field.u.dims,
        )
    if args.out:
        field_io.write(args.out, field)
        wrote("predict", args.out)
    if args.plot:
        solver = f"Surrogate {Path(args.model).name}" if args.model else "Shipped surrogate"
        _plot_prediction(field, args.plot, args.points is None, solver)
        wrote("predict", args.plot)
    return 0


def _predict_grid(net, plan, args, threads, attrs):
    import numpy as np

    depths, times, eta, n = plan["depths"], plan["times"], plan["eta"], plan["n"]
    axis = np.linspace(-plan["extent"], plan["extent"], n)
    X, Y = (a.ravel() for a in np.meshgrid(axis, axis))
    P = X.size
    print(
        f"predict: {len(depths)} depth(s) x {len(times)} time(s) x {P:,} points "
        f"({net!r}, {args.device})",
        file=sys.stderr,
    )
    u = np.empty((len(depths), len(times), P, 3))
    inside = np.empty((len(depths), len(times), P), dtype=bool)
    rows = np.empty((P, 6))
    rows[:, 0], rows[:, 1], rows[:, 4], rows[:, 5] = X, Y, eta[0], eta[1]
    bar = progress_bar(not args.no_progress, u.shape[0] * u.shape[1] * P, "predict", "pt")
    for d, depth in enumerate(depths):
        for i, t in enumerate(times):
            u[d, i] = net.predict_grid(
                X, Y, [depth], [t], [eta], args.device, threads, check_domain=False
            )[0, 0, 0]
            rows[:, 2], rows[:, 3] = depth, t
            inside[d, i] = net.in_domain(rows)
            bar.update(P)
    bar.close()
    _warn_outside(net, inside, "grid samples")
    field = canonical_grid_field(axis, depths, times, eta, u, ENU, CANONICAL_SOURCE, "")
    field.attrs.update(attrs)
    return field, inside.reshape(len(depths), len(times), n, n)


def _plot_prediction(field, path, grid: bool, solver: str) -> None:
    import numpy as np

    from . import okada, plot

    c = {k: np.asarray(v.values) for k, v in field.coords.items()}
    u = field.u.values
    if grid:
        x = c["x"]
        X, Y = np.meshgrid(x, c["y"])
        u0 = okada.canonical_surface(X, Y, c["depth"][0])
        plot.field_maps(
            x / 1e3,
            c["y"] / 1e3,
            u[0, -1],
            u0,
            path,
            title=plot.canonical_title(solver, c["depth"][0], c["eta_M"], c["eta_K"], t=c["t"][-1]),
            post="u(t) − u(0), u(0) exact (Okada)",
        )
        return
    keys = np.column_stack([c["x"], c["y"], c["depth"], c["eta_M"], c["eta_K"]])
    stations, which = np.unique(keys, axis=0, return_inverse=True)
    which = which.reshape(-1)
    times = np.unique(c["t"])
    if len(stations) <= 12 and len(times) >= 3 and len(c["t"]) == len(stations) * len(times):
        order = np.lexsort((c["t"], which))
        series = u[order].reshape(len(stations), len(times), 3)
        u0 = okada.canonical_surface(stations[:, 0], stations[:, 1], stations[:, 2])
        t = np.concatenate([[0.0], times[times > 0]])
        if times[0] > 0:
            series = np.concatenate([u0[:, None], series], axis=1)
        else:
            series = np.concatenate([u0[:, None], series[:, 1:]], axis=1)
        same = len(np.unique(stations[:, 2:], axis=0)) == 1
        plot.time_series(
            t,
            series,
            [f"({s[0] / 1e3:g}, {s[1] / 1e3:g}) km" for s in stations],
            path,
            title=plot.canonical_title(solver, *stations[0, 2:]) if same else solver,
        )
        return
    last = c["t"] == c["t"].max()
    uniq = [np.unique(c[k][last]) for k in ("depth", "eta_M", "eta_K")]
    title = (
        plot.canonical_title(solver, uniq[0][0], uniq[1][0], uniq[2][0], t=c["t"].max())
        if all(len(v) == 1 for v in uniq)
        else f"{solver}: the {int(last.sum()):,} samples at t = {plot.time_label(c['t'].max())}"
    )
    plot.point_maps(c["x"][last], c["y"][last], u[last], path, title=title)
