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
    p.add_argument("--time-yr", type=float, nargs="+", default=[0.0, 1.0, 10.0, 100.0],
                   help="time(s) after the event")  # fmt: skip
    p.add_argument("--eta-m", type=float, default=1e19, help="Maxwell viscosity [Pa s]")
    p.add_argument("--eta-k", type=float, default=float("inf"),
                   help="Kelvin viscosity [Pa s] (inf: Maxwell half-space)")  # fmt: skip
    p.add_argument("--extent-km", type=float, default=100.0, help="grid half-width")
    p.add_argument("--n", type=int, default=81, help="grid points per axis")
    p.add_argument("--out", help="output file: .h5/.hdf5 (datasets) or .csv (rows)")
    p.add_argument("--plot", help="PNG: maps of ux, uy, uz at the last time and u(t) - u(0)")
    p.add_argument("--profile", action="append", default=[], metavar="X_KM,Y_KM",
                   help="time series at this point (repeatable); CSV to --profile-out")  # fmt: skip
    p.add_argument("--profile-out", help="CSV of the time series (default: stdout)")
    p.add_argument("--profile-plot", help="PNG of the time series")
    p.set_defaults(func=_cmd_solve)


def _cmd_solve(args) -> int:
    import numpy as np

    from . import exact

    if args.n < 2:
        raise ValueError(f"--n = {args.n} is invalid; allowed: >= 2")
    if not args.extent_km > 0:
        raise ValueError(f"--extent-km = {args.extent_km} is invalid; allowed: > 0")
    axis = np.linspace(-args.extent_km, args.extent_km, args.n) * 1e3
    X, Y = np.meshgrid(axis, axis)
    depths = np.array(args.depth_km) * 1e3
    times = np.array(args.time_yr) * YEAR_S
    etas = [[args.eta_m, args.eta_k]]
    print(f"solving {depths.size} depth(s) x {times.size} time(s) x {X.size} points",
          file=sys.stderr)  # fmt: skip
    u = exact.grid(X.ravel(), Y.ravel(), depths, times, etas)[0]  # (D, T, P, 3)
    if args.out:
        _write_field(args.out, X.ravel(), Y.ravel(), depths, times, etas[0], u)
    if args.plot:
        from . import plot

        u0 = exact.grid(X.ravel(), Y.ravel(), depths[:1], [0.0], etas)[0, 0, 0]
        shape = (args.n, args.n, 3)
        plot.exact_maps(axis / 1e3, axis / 1e3, u[0, -1].reshape(shape), u0.reshape(shape),
                        args.plot, title=f"depth {depths[0] / 1e3:g} km, t = "
                        f"{times[-1] / YEAR_S:g} yr, eta_M = {args.eta_m:g}, "
                        f"eta_K = {args.eta_k:g} Pa s")  # fmt: skip
    if args.profile:
        _profile(args, depths[0], etas, times)
    return 0


def _write_field(path, x, y, depths, times, eta, u) -> None:
    import numpy as np

    if path.endswith((".h5", ".hdf5")):
        import h5py

        with h5py.File(path, "w") as f:
            for name, val, unit in (("x", x, "m"), ("y", y, "m"), ("depth", depths, "m"),
                                    ("t", times, "s")):  # fmt: skip
                f.create_dataset(name, data=val).attrs["units"] = unit
            d = f.create_dataset("u", data=u, compression="gzip")
            d.attrs["units"] = "m per m^3 of potency"
            d.attrs["axes"] = "depth, t, point, (ux east, uy north, uz up)"
            f.attrs["eta_M_Pa_s"], f.attrs["eta_K_Pa_s"] = eta
            f.attrs["source"] = "vertical strike-slip along +x, left-lateral, POT1 = 1 m^3"
    elif path.endswith(".csv"):
        D, T, P = u.shape[:3]
        rows = np.column_stack([
            np.tile(x, D * T), np.tile(y, D * T), np.repeat(depths, T * P),
            np.tile(np.repeat(times, P), D), np.full(D * T * P, eta[0]),
            np.full(D * T * P, eta[1]), u.reshape(-1, 3),
        ])  # fmt: skip
        np.savetxt(path, rows, delimiter=",", comments="",
                   header="x_m,y_m,depth_m,t_s,eta_M_Pa_s,eta_K_Pa_s,ux,uy,uz")  # fmt: skip
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
        plot.exact_profile(t / YEAR_S, np.transpose(u, (1, 0, 2)), labels, args.profile_plot,
                           title=f"depth {depth / 1e3:g} km")  # fmt: skip


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
    p.add_argument("--potency", type=float, nargs=4, default=[1.0, 0.0, 0.0, 0.0],
                   metavar=("SS", "DS", "TENS", "INFL"),
                   help="potencies (m^3): strike-slip, dip-slip, tensile, inflation")  # fmt: skip
    p.add_argument("--rectangle-km", type=float, nargs=4, metavar=("AL1", "AL2", "AW1", "AW2"),
                   help="a finite rectangle instead of a point source (DC3D): extent along "
                   "strike and up-dip from the reference point at --depth-km (km)")  # fmt: skip
    p.add_argument("--slip", type=float, nargs=3, default=[1.0, 0.0, 0.0],
                   metavar=("SS", "DS", "TENS"),
                   help="rectangle slip (m): strike-slip, dip-slip, tensile")  # fmt: skip
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
        u = okada.rectangle(gx, gy, 0.0, depth, args.dip, al1, al2, aw1, aw2, args.slip,
                            alpha=args.alpha)  # fmt: skip
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
        np.savetxt(out if out else sys.stdout, table, delimiter=",", header=header, comments="",
                   fmt="%.17g")  # fmt: skip
    if args.plot:
        from .plot import displacement_maps

        title = f"Okada {source}: depth {args.depth_km:g} km, dip {args.dip:g}°"
        displacement_maps(x, y, u, args.plot, title=title)
        print(f"wrote {args.plot}", file=sys.stderr)
    if out:
        print(f"wrote {out}", file=sys.stderr)
    return 0


_COMMANDS = [_add_info, _add_bench, _add_okada, _add_solve]


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
