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


_COMMANDS = [_add_info, _add_bench, _add_okada]


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
    except (ValueError, OSError) as err:
        print(f"viscoann {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
